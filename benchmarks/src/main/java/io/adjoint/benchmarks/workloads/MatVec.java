package io.adjoint.benchmarks.workloads;

/**
 * y = A x, then the sum of y_i^2, written three ways that compute the same value bit for bit: with a local sum per
 * row, summing into the element {@code y[i] += A[i n + k] x[k]}, and with A a {@code double[][]} copied from the
 * parameters ({@code y[i] += A[i][k] x[k]}). The parameters are A (n x n, row by row) then x.
 */
public final class MatVec {
    private MatVec() {
    }

    public static int side(double[] p) {
        int n = (int) Math.floor(Math.sqrt(p.length));
        while (n * n + n > p.length) {
            n--;
        }
        return n;
    }

    public static double localSum(double[] p) {
        int n = side(p);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += p[i * n + k] * p[n * n + k];
            }
            y[i] = s;
        }
        return sumOfSquares(y);
    }

    public static double elementSum(double[] p) {
        int n = side(p);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                y[i] += p[i * n + k] * p[n * n + k];
            }
        }
        return sumOfSquares(y);
    }

    public static double rows(double[] p) {
        int n = side(p);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                a[i][k] = p[i * n + k];
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                y[i] += a[i][k] * p[n * n + k];
            }
        }
        return sumOfSquares(y);
    }

    private static double sumOfSquares(double[] y) {
        double s = 0;
        for (double v : y) {
            s += v * v;
        }
        return s;
    }

    /** A of side n and x from a fixed seed. */
    public static double[] parameters(int n) {
        java.util.Random rnd = new java.util.Random(17L * n);
        double[] p = new double[n * n + n];
        for (int i = 0; i < p.length; i++) {
            p[i] = rnd.nextGaussian() / Math.sqrt(n);
        }
        return p;
    }
}
