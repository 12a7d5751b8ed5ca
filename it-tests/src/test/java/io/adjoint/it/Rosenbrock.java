package io.adjoint.it;

import io.adjoint.ScalarFunction;

/**
 * The extended Rosenbrock function (Moré, Garbow and Hillstrom), written as plain Java: for n even,
 * f(x) = sum over pairs (a, b) = (x[2i], x[2i+1]) of alpha * (a^2 - b)^2 + (a - 1)^2, alpha = 100.
 */
final class Rosenbrock {
    private final double alpha;
    private double evaluations; // a double field written by the model on every call (passive bookkeeping)

    Rosenbrock(double alpha) {
        this.alpha = alpha;
    }

    /** The static version. */
    static double extended(double[] x) {
        double sum = 0;
        for (int i = 0; i < x.length / 2; i++) {
            double a = x[2 * i];
            double b = x[2 * i + 1];
            double t = a * a - b;
            sum += 100 * t * t + (a - 1) * (a - 1);
        }
        return sum;
    }

    /** The instance version: reads alpha from a field and goes through private helpers. */
    double loss(double[] x) {
        evaluations += 1;
        double sum = 0;
        for (int i = 0; i + 1 < x.length; i += 2) {
            sum += pair(x[i], x[i + 1]);
        }
        return sum;
    }

    private double pair(double a, double b) {
        return alpha * square(a * a - b) + square(a - 1);
    }

    private static double square(double v) {
        return v * v;
    }

    double evaluations() {
        return evaluations;
    }

    /** The hand-derived gradient. */
    static double[] gradient(double[] x, double alpha) {
        double[] g = new double[x.length];
        for (int i = 0; i + 1 < x.length; i += 2) {
            double a = x[i], b = x[i + 1], t = a * a - b;
            g[i] = 4 * alpha * a * t + 2 * (a - 1);
            g[i + 1] = -2 * alpha * t;
        }
        return g;
    }

    /** Sizes of the terms that add up to each gradient component, for the tolerance. */
    static double[] gradientScale(double[] x, double alpha) {
        double[] s = new double[x.length];
        for (int i = 0; i + 1 < x.length; i += 2) {
            double a = x[i], b = x[i + 1];
            s[i] = 4 * alpha * Math.abs(a) * (a * a + Math.abs(b)) + 2 * (Math.abs(a) + 1);
            s[i + 1] = 2 * alpha * (a * a + Math.abs(b));
        }
        return s;
    }

    /** A class implementing the API's interface directly. */
    static final class AsFunction implements ScalarFunction {
        private static final long serialVersionUID = 1L;
        private final int pairs;

        AsFunction(int pairs) {
            this.pairs = pairs;
        }

        @Override
        public double apply(double[] x) {
            double sum = 0;
            for (int i = 0; i < pairs; i++) {
                double a = x[2 * i], b = x[2 * i + 1];
                sum += 100 * (a * a - b) * (a * a - b) + (1 - a) * (1 - a);
            }
            return sum;
        }
    }
}
