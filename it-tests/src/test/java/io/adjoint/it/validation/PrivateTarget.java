package io.adjoint.it.validation;

/** Private static and instance methods, private methods of nestmates, private interface methods. */
final class PrivateTarget {
    private final double bias = 0.5;

    private double shift(double v) {
        return v + bias;
    }

    private static double cube(double v) {
        return v * v * v;
    }

    static final class Nested {
        private double twice(double v) {
            return 2 * v;
        }
    }

    interface WithPrivate {
        private double hidden(double v) {
            return Math.exp(v);
        }

        default double shown(double v) {
            return hidden(v) + v;
        }
    }

    static final class Impl implements WithPrivate {
    }

    /** f = (x0 + 0.5)^3 + 2 x1 + exp(x1) + x1. */
    double run(double[] x) {
        double a = cube(shift(x[0]));
        double b = new Nested().twice(x[1]); // a private method of another nestmate
        return a + b + new Impl().shown(x[1]);
    }
}
