package io.adjoint.it.fuzz;

/**
 * What every generated program calls: the path trace (comparisons and kinks), and a few helpers with loops, arrays,
 * recursion and an object with a double field. A class of the test class path, so the generated programs (in their
 * own class loader) also call across class loaders, and the source javac compiles per program stays small.
 */
public final class FuzzRuntime {
    private FuzzRuntime() {
    }

    /** The path the last evaluation took: a hash of the outcomes of its comparisons and kinks. One thread only. */
    public static long trace;

    /** Records the outcome of a comparison. */
    public static boolean b(boolean c) {
        trace = trace * 31 + (c ? 1 : 2);
        return c;
    }

    /** Records the sign of a value at a kink (abs, max, min). */
    public static double k(double v) {
        trace = trace * 31 + (v > 0 ? 3 : v < 0 ? 4 : 5);
        return v;
    }

    /** Records floor(v): where floor, ceil, rint or a cast to int jump. */
    public static double s(double v) {
        trace = trace * 31 + (long) Math.floor(v);
        return v;
    }

    /** Records trunc(v / m): where v % m jumps. */
    public static double q(double v, double m) {
        trace = trace * 31 + (long) (v / m) + (v / m < 0 ? 7 : 0);
        return v;
    }

    /** Records the order of an array's elements (the permutation a sort applies). */
    public static void order(double[] a) {
        for (int i = 0; i < a.length; i++) {
            for (int j = i + 1; j < a.length; j++) {
                b(a[i] < a[j]);
            }
        }
    }

    /** sum_j a[j] w^(n-1-j), by Horner's rule. */
    public static double weigh(double[] a, double w) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s = s * w + a[j];
        }
        return s;
    }

    /** A recursion n deep. */
    public static double depth(double u, int n) {
        return n == 0 ? u : 0.5 * Math.sin(depth(u, n - 1)) + u * 0.25;
    }

    /** An object with a double field, updated by its methods. */
    public static final class Acc {
        private double s;
        private final double w;

        public Acc(double s, double w) {
            this.s = s;
            this.w = w;
        }

        public void add(double v) {
            s = s * w + v;
        }

        public double value() {
            return s;
        }
    }
}
