package io.adjoint.it.validation;

import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;

/** Boxed Doubles in collections; Double.sum, max and min. */
class BoxingTest {

    @Test
    void listOfDouble() {
        double[] x = {0.5, 2.5, -1.0};
        V.gradient("List<Double>", BoxingTarget::list, x, new double[] {2 * x[0], 2 * x[1] + 1, 2 * x[2]}, ANALYTIC);
    }

    @Test
    void mapOfDouble() {
        double[] x = {0.5, 2.5};
        V.gradient("Map<String, Double>", BoxingTarget::map, x, new double[] {2 * x[1], 2 * x[0] + 2 * x[1]},
                ANALYTIC);
    }

    @Test
    void doubleSumMaxMin() {
        double[] x = {0.3, 1.2, -0.4}; // max(x0, x1) = x1, min(x1, x2) = x2
        V.gradient("Double.sum/max/min", BoxingTarget::doubleStatics, x, new double[] {1, 1 + x[2], x[1]}, ANALYTIC);
    }

    /**
     * BUG (silent wrong gradient): HashMap.merge is JDK code; it unboxes both Doubles and adds them with Double::sum
     * uninstrumented, and boxes the sum into a new Double that has no slot. Map.merge's descriptor mentions no double,
     * so the call is not even a boundary; the later unboxing finds no slot and reads a constant.
     * Input (0.5, 2.0): expected gradient (1, 1) or NotDifferentiableException; actual (0, 0), silently.
     */
    @Test
    void mapMergeWithDoubleSum() {
        V.gradient("merge", BoxingTarget::merge, new double[] {0.5, 2.0}, new double[] {1, 1}, ANALYTIC);
    }

    /**
     * BUG (silent wrong gradient): list.stream() and mapToDouble(...) mention no double in their descriptors and are
     * plain calls; the terminal sum() is a boundary whose receiver (a DoubleStream) holds no double[] Adjoint can
     * inspect, so no active value is seen going in and the sum comes out as a constant.
     * Input (0.5, 2.0, 3.0): expected (1, 1, 1) or NotDifferentiableException; actual (0, 0, 0), silently.
     */
    @Test
    void streamOverBoxedActiveValues() {
        V.gradient("boxed stream", BoxingTarget::boxedStream, new double[] {0.5, 2.0, 3.0}, new double[] {1, 1, 1},
                ANALYTIC);
    }
}
