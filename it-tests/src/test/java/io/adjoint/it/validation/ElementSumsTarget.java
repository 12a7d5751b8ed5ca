package io.adjoint.it.validation;

/**
 * Target: array elements summed in a loop ({@code y[i] += term}), which the agent sums in a local inside the twin and
 * stores when the loop is left (agent twin/ElementAccumulators), in the shapes where that must not change a thing:
 * every way out of the loop, an alias of the element's array read or written in the loop, a loop that runs zero times
 * around an element that does not exist, exceptions inside and outside it. ElementSumsTest checks each against
 * hand-derived gradients; the primal results must stay bit for bit those of the code as written.
 */
public final class ElementSumsTarget {
    private ElementSumsTarget() {
    }

    /** y = A x by {@code y[i] += A[i][k] x[k]} (A flat, n x n, then x), then the sum of y_i^2. */
    public static double matVec(double[] p) {
        int n = side(p);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                y[i] += p[i * n + k] * p[n * n + k];
            }
        }
        return sumOfSquares(y);
    }

    /** The same as {@code y[i] = y[i] + ...}, starting from y_i = i (not 0: the element's old value is kept). */
    public static double matVecLongForm(double[] p) {
        int n = side(p);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = i;
            for (int k = 0; k < n; k++) {
                y[i] = y[i] + p[i * n + k] * p[n * n + k];
            }
        }
        return sumOfSquares(y);
    }

    /**
     * y = diag(1 + 0.1 A_ii) A x with A a double[][] ({@code y[i] += A[i][k] x[k] (1 + 0.1 A[i][i])}), minus
     * {@code y[i] -= 0.5 x[i] x[k]}, then the sum of y_i^2; when p[0] &gt; 0, row 0 of A is y itself, and A[0][0] (read
     * in every step) the running sum (the site compares the rows it reads: it keeps its code).
     */
    public static double matrixRows(double[] p) {
        int n = side(p);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                a[i][k] = p[i * n + k];
            }
        }
        double[] y = new double[n];
        if (p[0] > 0) {
            y = a[0];
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                y[i] += a[i][k] * p[n * n + k] * (1 + 0.1 * a[i][i]);
            }
            for (int k = 0; k < n; k++) {
                y[i] -= 0.5 * p[n * n + i] * p[n * n + k];
            }
        }
        return sumOfSquares(y);
    }

    /**
     * y[0] += x[k] * src[0] where src is y itself when p[0] &gt; 0 (decided at run time: the site must keep its own
     * code, since src[0] is the running sum) and a copy of x otherwise.
     */
    public static double aliased(double[] p) {
        int n = p.length;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = p[i];
        }
        double[] src = p[0] > 0 ? y : p.clone();
        for (int k = 0; k < n; k++) {
            y[0] += p[k] * src[0];
        }
        return y[0];
    }

    /** An alias written in the loop: w is y when p[0] &gt; 0, and w[0] = x[k] overwrites the sum each iteration. */
    public static double aliasWritten(double[] p) {
        int n = p.length;
        double[] y = new double[1];
        double[] z = new double[1];
        double[] w = p[0] > 0 ? y : new double[1];
        for (int k = 0; k < n; k++) {
            y[0] += p[k] * p[k];
            w[0] = p[k];
            z[0] += 3 * p[k];
        }
        return y[0] + z[0];
    }

    /** Element 5 of a 2-element array, in a loop that runs {@code count} times: zero times must not throw. */
    public static double zeroIterations(double[] p) {
        double[] y = new double[2];
        int count = (int) p[1];
        for (int k = 0; k < count; k++) {
            y[5] += p[0];
        }
        return y[0] + p[0] * p[0];
    }

    /** Left by break when the term is large, by return when it is negative (reading the sum there: the site keeps its
     *  code), else at the end. */
    public static double waysOut(double[] p) {
        double[] y = new double[1];
        for (int k = 0; k < p.length; k++) {
            if (p[k] > 10) {
                break;
            }
            if (p[k] < -10) {
                return y[0] * p[k];
            }
            y[0] += p[k] * p[k];
        }
        return y[0] * 2;
    }

    /** Left by a return inside the loop when a term is below -10; the sum is read by the caller. */
    public static double returnInside(double[] p, double[] y) {
        for (int k = 0; k < p.length; k++) {
            if (p[k] < -10) {
                return p[k];
            }
            y[0] += p[k] * p[k];
        }
        return 1;
    }

    /** {@link #returnInside}'s result times its sum. */
    public static double returnInsideCaller(double[] p) {
        double[] y = {0};
        double r = returnInside(p, y);
        return y[0] * r;
    }

    /** A do-while loop: left by falling out of its last instruction, the test at its bottom. */
    public static double doWhile(double[] p) {
        double[] y = new double[1];
        int k = 0;
        do {
            y[0] += p[k] * p[k];
            k++;
        } while (k < p.length);
        return y[0];
    }

    /** An exception thrown in the loop (a[k] past the end) and caught by the caller's try: the sum so far is kept. */
    public static double caughtOutside(double[] p) {
        double[] y = new double[1];
        int[] stops = {0, 0, 0};
        try {
            for (int k = 0; k < p.length; k++) {
                y[0] += p[k] * p[k];
                stops[k] = 1; // throws at k = 3
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return y[0] + 1;
        }
        return y[0];
    }

    /** A try/catch inside the loop: the handler runs in the loop and the sum goes on (d = 6 / (k % 3), or 1). */
    public static double caughtInside(double[] p) {
        double[] y = new double[1];
        for (int k = 0; k < p.length; k++) {
            int d;
            try {
                d = 6 / (k % 3);
            } catch (ArithmeticException e) {
                d = 1;
            }
            y[0] += p[k] * d;
        }
        return y[0];
    }

    /** Two elements of two arrays summed in one loop, and a third of y read back in the loop. */
    public static double twoSites(double[] p) {
        double[] y = new double[3];
        double[] z = new double[1];
        for (int k = 0; k < p.length; k++) {
            y[1] += p[k] * p[k];
            z[0] = z[0] + Math.sin(p[k]);
        }
        for (int k = 0; k < p.length; k++) {
            y[0] += p[k];
            y[2] = y[0] * 2; // the same array written at another element: the first site keeps its code
        }
        return y[1] * z[0] + y[2];
    }

    /** The loop can leave with an exception nobody in this method catches (k past the end of p). */
    public static double thrownOut(double[] p, int extra, double[] y) {
        for (int k = 0; k < p.length + extra; k++) {
            y[0] += p[k] * p[k];
        }
        return y[0];
    }

    /** {@link #thrownOut} with one step too many, caught here: 3 times the sum so far. */
    public static double thrownOutCaught(double[] p) {
        double[] y = {0};
        try {
            return thrownOut(p, 1, y);
        } catch (ArrayIndexOutOfBoundsException e) {
            return y[0] * 3;
        }
    }

    /** A null check in the loop (javac's Objects.requireNonNull(Object)): the site is still summed in a local. */
    public static double nullChecked(double[] p) {
        double[] y = new double[1];
        double[] w = p;
        for (int k = 0; k < p.length; k++) {
            java.util.Objects.requireNonNull(w);
            y[0] += w[k] * p[k];
        }
        return y[0];
    }

    /** A small helper in the term, inlined into the twin (agent twin/Inlining) before the site is rewritten. */
    public static double inlinedHelper(double[] p) {
        double[] y = new double[2];
        for (int k = 0; k < p.length; k++) {
            y[1] += cube(p[k]) - 2 * p[k];
        }
        return y[1];
    }

    private static double cube(double v) {
        return v * v * v;
    }

    /** C = A B by {@code c[i][j] += a[i][k] * b[k][j]} (b's row changes every step), then the sum of C_ij^2. */
    public static double matMul(double[] p) {
        int n = (int) Math.round(Math.sqrt(p.length / 2.0));
        double[][] a = new double[n][n], b = new double[n][n], c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                a[i][k] = p[i * n + k];
                b[i][k] = p[n * n + i * n + k];
            }
        }
        multiplyInto(a, b, c, n);
        return sumOfSquares(c);
    }

    /** C = A B on flat arrays, {@code c[i * n + j] += a[i * n + k] * b[k * n + j]}: the index computed, not a local. */
    public static double flatMatMul(double[] p) {
        int n = (int) Math.round(Math.sqrt(p.length / 2.0));
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    c[i * n + j] += p[i * n + k] * p[n * n + k * n + j];
                }
            }
        }
        double s = 0;
        for (double v : c) {
            s += v * v;
        }
        return s;
    }

    /** An index that changes in the loop (j + k): a different element each step, the site keeps its code. */
    public static double movingIndex(double[] p) {
        double[] y = new double[2 * p.length];
        int j = 1;
        for (int k = 0; k < p.length; k++) {
            y[j + k] = y[j + k] + p[k] * p[k];
        }
        for (int k = 0; k < p.length; k++) {
            y[j + k + 1] += p[k];
        }
        double s = 0;
        for (double v : y) {
            s += v * v;
        }
        return s;
    }

    /** C += A C in place (b is c): the row read in the term is the summed row when k = i. */
    public static double matMulInPlace(double[] p) {
        int n = (int) Math.round(Math.sqrt(p.length / 2.0));
        double[][] a = new double[n][n], c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                a[i][k] = p[i * n + k];
                c[i][k] = p[n * n + i * n + k];
            }
        }
        multiplyInto(a, c, c, n);
        return sumOfSquares(c);
    }

    private static void multiplyInto(double[][] a, double[][] b, double[][] c, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
    }

    private static double sumOfSquares(double[][] c) {
        double s = 0;
        for (double[] row : c) {
            for (double v : row) {
                s += v * v;
            }
        }
        return s;
    }

    /** A model holding its weights and its output in fields: {@code out[i] += w[i * n + k] * x[k]}. */
    public static final class Model {
        final double[] w;
        final double[] out;

        Model(double[] w, double[] out) {
            this.w = w;
            this.out = out;
        }

        /** When out is w: out[i] += w[k] x[k] for the first n outputs, reading the running sum itself at k = i. */
        double runAliased(double[] x, int n) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    out[i] += w[k] * x[k];
                }
            }
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += out[i] * out[i];
            }
            return s;
        }

        double run(double[] x) {
            int n = out.length;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    out[i] += w[i * n + k] * x[k];
                }
            }
            double s = 0;
            for (double v : out) {
                s += v * v;
            }
            return s;
        }
    }

    /** y = W x through {@link Model} (W the first n*n parameters, x the last n), output in a field: sum of y_i^2. */
    public static double fieldArrays(double[] p) {
        int n = side(p);
        double[] x = java.util.Arrays.copyOfRange(p, n * n, n * n + n);
        return new Model(java.util.Arrays.copyOf(p, n * n), new double[n]).run(x);
    }

    /**
     * A model whose output array is its weights' array (one array of n*n, the first n the outputs), summing
     * out[i] += w[k] x[k]: the site compares the field it reads with the one it sums into and keeps its code.
     */
    public static double fieldArraysAliased(double[] p) {
        int n = side(p);
        double[] x = java.util.Arrays.copyOfRange(p, n * n, n * n + n);
        double[] w = java.util.Arrays.copyOf(p, n * n);
        return new Model(w, w).runAliased(x, n);
    }

    static class Holder {
        double[] out;
    }

    static final class SubHolder extends Holder {
    }

    /**
     * The summed field replaced in the loop through a reference of the subclass (the store names SubHolder.out, the
     * site reads Holder.out): from k = 2 on the sum goes to a fresh array starting at 100.
     */
    public static double fieldReplacedThroughSubclass(double[] p) {
        SubHolder s = new SubHolder();
        Holder h = s;
        h.out = new double[1];
        double[] fresh = {100};
        for (int k = 0; k < p.length; k++) {
            h.out[0] += p[k];
            if (k == 1) {
                s.out = fresh;
            }
        }
        return h.out[0];
    }

    /** A static array of this class as the sum (and a static double read in the term). */
    static double[] scratch = new double[3];
    static double scale = 0.5;

    public static double staticArray(double[] p) {
        scratch[2] = 1;
        for (int k = 0; k < p.length; k++) {
            scratch[2] += scale * p[k] * p[k];
        }
        return scratch[2];
    }

    private static int side(double[] p) {
        int n = 1;
        while (n * n + n < p.length) {
            n++;
        }
        return n;
    }

    private static double sumOfSquares(double[] y) {
        double s = 0;
        for (double v : y) {
            s += v * v;
        }
        return s;
    }
}
