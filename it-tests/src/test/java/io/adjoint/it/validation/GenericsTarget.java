package io.adjoint.it.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Generic classes and methods: erasure, bounded type parameters, bridge methods, wildcards. */
final class GenericsTarget {
    interface Measure<T> {
        double of(T t);
    }

    static final class Pair<A, B> {
        final A first;
        final B second;

        Pair(A first, B second) {
            this.first = first;
            this.second = second;
        }
    }

    /** A generic holder of a primitive double: the field is double, the element type is generic. */
    static final class Tagged<T> {
        final T tag;
        final double value;

        Tagged(T tag, double value) {
            this.tag = tag;
            this.value = value;
        }

        <R> Tagged<R> map(R newTag, double factor) {
            return new Tagged<>(newTag, value * factor);
        }
    }

    /** A generic interface implemented with a concrete type argument: javac adds a bridge of(Object). */
    static final class ValueMeasure implements Measure<Tagged<String>> {
        @Override
        public double of(Tagged<String> t) {
            return t.value * t.value;
        }
    }

    static <T extends Comparable<T>> double sumBy(List<T> items, ToDoubleFunction<? super T> f) {
        double s = 0;
        for (T item : items) {
            s += f.applyAsDouble(item);
        }
        return s;
    }

    static <T> double measureAll(List<? extends T> items, Measure<? super T> m) {
        double s = 0;
        for (T t : items) {
            s += m.of(t); // through the bridge method
        }
        return s;
    }

    /** f = sum_i (2 x_i)^2 (via Tagged.map and the bridge) + x0 x1 (pairs) + 3 x0 (bounded generic method). */
    static double run(double[] x) {
        List<Tagged<String>> tagged = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            tagged.add(new Tagged<>("t" + i, x[i]).map("u" + i, 2.0));
        }
        double s = measureAll(tagged, new ValueMeasure());
        Pair<Tagged<String>, Tagged<Integer>> p = new Pair<>(new Tagged<>("a", x[0]), new Tagged<>(1, x[1]));
        s += p.first.value * p.second.value;
        s += sumBy(List.of("a", "bb"), str -> str.length() * x[0]);
        return s;
    }
}
