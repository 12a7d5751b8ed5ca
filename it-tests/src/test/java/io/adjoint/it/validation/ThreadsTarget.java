package io.adjoint.it.validation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Eight different functions, one per thread, each using a different feature (only the thread test uses this
 * class, so its twins are generated and linked while the threads race), with their gradients by hand.
 */
final class ThreadsTarget {
    private ThreadsTarget() {
    }

    interface Term {
        double of(double v);
    }

    static final class ExpTerm implements Term {
        public double of(double v) {
            return Math.exp(v);
        }
    }

    static final class CubeTerm implements Term {
        public double of(double v) {
            return v * v * v;
        }
    }

    record Shifted(double v, double c) {
        double squared() {
            return (v - c) * (v - c);
        }
    }

    static final class Negative extends Exception {
        private static final long serialVersionUID = 1L;
        final double half;

        Negative(double half) {
            this.half = half;
        }
    }

    static double f0Boxing(double[] x) {
        List<Double> l = new ArrayList<>();
        for (double v : x) {
            l.add(v * v);
        }
        double s = 0;
        for (double d : l) {
            s += d;
        }
        return s;
    }

    static double f1Recursion(double[] x) {
        return product(x, 0);
    }

    private static double product(double[] x, int i) {
        return i == x.length ? 1 : x[i] * product(x, i + 1);
    }

    static double f2Lambda(double[] x) {
        double a = x[0];
        DoubleUnaryOperator g = v -> a * Math.sin(v);
        double s = 0;
        for (double v : x) {
            s += g.applyAsDouble(v);
        }
        return s;
    }

    static double f3Objects(double[] x) {
        double s = 0;
        for (double v : x) {
            s += new Shifted(v, 0.25).squared();
        }
        return s;
    }

    static double f4Sort(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        double r = 0;
        for (int i = 0; i < s.length; i++) {
            r += (i + 1) * s[i];
        }
        return r;
    }

    private static double checkedSquare(double v) throws Negative {
        if (v > 0) {
            throw new Negative(v / 2);
        }
        return v * v;
    }

    static double f5Exceptions(double[] x) {
        double s = 0;
        for (double v : x) {
            try {
                s += checkedSquare(v);
            } catch (Negative e) {
                s += e.half;
            }
        }
        return s;
    }

    static double f6Dispatch(double[] x) {
        Term[] terms = {new ExpTerm(), new CubeTerm()};
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += terms[i % 2].of(x[i]);
        }
        return s;
    }

    static double f7Matrix(double[] x) {
        int n = x.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = x[i] * x[j];
            }
        }
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s += v;
            }
        }
        return s;
    }

    /** The gradient of function k at x, by hand. */
    static double[] gradient(int k, double[] x) {
        int n = x.length;
        double[] g = new double[n];
        switch (k) {
            case 0 -> {
                for (int i = 0; i < n; i++) {
                    g[i] = 2 * x[i];
                }
            }
            case 1 -> {
                for (int i = 0; i < n; i++) {
                    double p = 1;
                    for (int j = 0; j < n; j++) {
                        p *= j == i ? 1 : x[j];
                    }
                    g[i] = p;
                }
            }
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    g[i] = x[0] * Math.cos(x[i]);
                    g[0] += Math.sin(x[i]);
                }
            }
            case 3 -> {
                for (int i = 0; i < n; i++) {
                    g[i] = 2 * (x[i] - 0.25);
                }
            }
            case 4 -> {
                double[] s = x.clone();
                Arrays.sort(s);
                for (int i = 0; i < n; i++) {
                    g[i] = 1 + Arrays.binarySearch(s, x[i]);
                }
            }
            case 5 -> {
                for (int i = 0; i < n; i++) {
                    g[i] = x[i] > 0 ? 0.5 : 2 * x[i];
                }
            }
            case 6 -> {
                for (int i = 0; i < n; i++) {
                    g[i] = i % 2 == 0 ? Math.exp(x[i]) : 3 * x[i] * x[i];
                }
            }
            case 7 -> {
                double s = 0;
                for (double v : x) {
                    s += v;
                }
                for (int i = 0; i < n; i++) {
                    g[i] = 2 * s;
                }
            }
            default -> throw new IllegalArgumentException("k = " + k);
        }
        return g;
    }

    static final io.adjoint.ScalarFunction[] FUNCTIONS = {ThreadsTarget::f0Boxing, ThreadsTarget::f1Recursion,
            ThreadsTarget::f2Lambda, ThreadsTarget::f3Objects, ThreadsTarget::f4Sort, ThreadsTarget::f5Exceptions,
            ThreadsTarget::f6Dispatch, ThreadsTarget::f7Matrix};
}
