package io.adjoint.it.validation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Boxed Double in collections, Double.sum / max / min. */
final class BoxingTarget {
    /** List<Double>: f = sum_i x_i^2 through boxes, plus the largest element (Collections.max keeps the box). */
    static double list(double[] x) {
        List<Double> values = new ArrayList<>();
        for (double v : x) {
            values.add(v * v);
        }
        double s = 0;
        for (Double d : values) {
            s += d;
        }
        List<Double> raw = new ArrayList<>();
        for (double v : x) {
            raw.add(v);
        }
        return s + Collections.max(raw);
    }

    /** Map<String, Double> put/get, TreeMap sorted by key, boxes through Object. */
    static double map(double[] x) {
        Map<String, Double> m = new HashMap<>();
        m.put("a", x[0] * 2);
        m.put("b", x[1]);
        TreeMap<Integer, Double> t = new TreeMap<>();
        t.put(2, x[0]);
        t.put(1, x[1] * x[1]);
        Object o = m.get("a");
        return (Double) o * m.get("b") + t.firstEntry().getValue(); // 2 x0 x1 + x1^2
    }

    /** Double.sum, Double.max, Double.min: f = (x0 + x1) + max(x0, x1) * min(x1, x2). */
    static double doubleStatics(double[] x) {
        return Double.sum(x[0], x[1]) + Double.max(x[0], x[1]) * Double.min(x[1], x[2]);
    }

    /** Map.merge with Double::sum: the JDK adds the boxes uninstrumented. */
    static double merge(double[] x) {
        Map<String, Double> m = new HashMap<>();
        m.put("k", x[0]);
        m.merge("k", x[1], Double::sum); // Double::sum becomes a rule bridge over the boxes
        return m.get("k");
    }

    /** A stream over boxed active values: the JDK unboxes and sums uninstrumented. */
    static double boxedStream(double[] x) {
        List<Double> values = new ArrayList<>();
        for (double v : x) {
            values.add(v);
        }
        return values.stream().mapToDouble(Double::doubleValue).sum(); // the boxes carry their slots
    }
}
