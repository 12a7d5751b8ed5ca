package io.adjoint.it.validation;

/**
 * Target: basic blocks whose arithmetic preaccumulation gathers across statements (agent twin/Preaccumulation):
 * locals folded into the one expression that reads them, shared sub-expressions, repeated reads of one array
 * element, and the cases where none of that is allowed (a read after the block, a store or a call between two
 * reads, an index or array variable changed in between, a catch block reading the local).
 */
final class BlocksTarget {
    private BlocksTarget() {
    }

    /** f = sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2: one node per pair. */
    static double rosenbrock(double[] x) {
        double f = 0;
        for (int i = 0; i + 1 < x.length; i += 2) {
            double t1 = x[i + 1] - x[i] * x[i];
            double t2 = 1 - x[i];
            f += 100 * t1 * t1 + t2 * t2;
        }
        return f;
    }

    /** A chain of locals, each read twice by the next: one DAG. f = c / (1 + b^2), c = b^2 - a, b = a + sin a. */
    static double chain(double[] x) {
        double a = x[0] * x[1];
        double b = a + Math.sin(a);
        double c = b * b - a;
        return c / (1 + b * b);
    }

    /** t is read again after the loop (and its last write is what counts). */
    static double readAfterTheBlock(double[] x) {
        double t = 0;
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            t = x[i] * x[i] + 1;
            s += t * 2;
        }
        return s + t;
    }

    /** x[0] changes between two reads (a store into the same array). */
    static double storeBetweenReads(double[] x) {
        double a = x[0] * x[1];
        x[0] = a;
        double b = x[0] * x[0];
        return a + b;
    }

    /** x[0] changes between two reads (inside a call). */
    static double callBetweenReads(double[] x) {
        double a = x[0] * x[1];
        square(x);
        double b = x[0] * 3;
        return a + b;
    }

    private static void square(double[] x) {
        x[0] = x[0] * x[0];
    }

    /** The index changes between two reads of x[i]. */
    static double indexChangesBetweenReads(double[] x) {
        int i = 0;
        double a = x[i] * x[i];
        i++;
        double b = x[i] * a;
        i += 1;
        return b + x[i] * x[i];
    }

    /**
     * A local read by an expression, then written by a statement that is not part of it (its value is also read in the
     * next iteration), then read again by the same expression: the first read must not be repeated at the root.
     */
    static double localOverwrittenBeforeTheRoot(double[] x) {
        double s = x[0];
        double r = 0;
        for (int i = 1; i < x.length; i++) {
            double t = s * x[i];
            s = x[i] * 2;
            r = r + t * s;
        }
        return r + s;
    }

    /**
     * The same local written by a statement folded into the expression (read by it alone): the read before that write
     * is repeated at the root, where the write is gone; s = s_old x + sin(x)^2.
     */
    static double localOverwrittenInsideTheTree(double[] x) {
        double s = x[0];
        for (int i = 1; i < x.length; i++) {
            double t = s * x[i];
            s = Math.sin(x[i]);
            s = t + s * s;
        }
        return s;
    }

    /** The array variable changes between two reads of y[0]. */
    static double arrayChangesBetweenReads(double[] x) {
        double[] y = x;
        double a = y[0] * y[0];
        y = new double[] {x[1] * 2};
        double b = y[0] * a;
        return b + y[0];
    }

    /** A ternary operand, a local read in both arms of the expression that follows. */
    static double ternaryOperand(double[] x) {
        double t = x[0] * x[1];
        return t * (x[0] > 0 ? x[0] : x[1]) + t;
    }

    /** The local is read by the catch block too: it may not be folded into the try block's expression. */
    static double readInCatch(double[] x) {
        double t = x[0] * x[1];
        double r;
        try {
            r = t * checked(x[2]);
        } catch (IllegalArgumentException e) {
            r = t;
        }
        return r;
    }

    private static double checked(double v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative");
        }
        return v;
    }

    /** The same local read twice by one expression and once later: not folded, but one leaf where it is read twice. */
    static double sameLocalTwice(double[] x) {
        double u = x[0] + x[1];
        double v = u * u * u;
        return v + u;
    }

    /** exp, log, sqrt, sin, cos across statements, with constants. */
    static double functions(double[] x) {
        double a = Math.exp(0.5 * x[0]);
        double b = Math.log(1 + x[1] * x[1]);
        double c = Math.sqrt(a + b);
        double d = Math.sin(c) * Math.cos(x[2]);
        return d * a - 2.5 * b;
    }

    /** tan, atan, sinh, cosh, tanh, expm1, log1p (Math and StrictMath) in one block. */
    static double moreFunctions(double[] x) {
        double a = Math.tanh(x[0] * x[1]) + Math.atan(x[1] - x[2]);
        double b = Math.sinh(0.5 * x[2]) * StrictMath.cosh(0.3 * x[0]);
        return a * b + Math.expm1(0.2 * x[0]) - StrictMath.log1p(x[1] * x[1]) + Math.tan(0.3 * x[2]);
    }

    /** A loop-carried sum of tanh terms (a block, so the loop keeps its sum open: a run). */
    static double tanhSum(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += 2 * Math.tanh(x[i]);
        }
        return s;
    }

    /** Loop-carried sums fed by folded temporaries of array reads with computed indices. */
    static double indexed(double[] x) {
        double s = 0;
        int n = x.length;
        for (int i = 0; i < n; i++) {
            double u = x[i] * x[(i + 1) % n];
            double w = x[i] - x[n - 1 - i];
            s = s + u * w + x[i];
        }
        return s;
    }
}
