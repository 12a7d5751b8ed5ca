package io.adjoint.it.validation;

import java.util.Arrays;

/** Array operations on active values: copies, fills, sorts, arrays of arrays, arrays between methods and fields. */
final class ArraysTarget {
    /** f = sum_i w_i c_i with c = x.clone() changed after the copy: c0 = 2 x0, w = (1, 2, 3, ...). */
    static double cloned(double[] x) {
        double[] c = x.clone();
        c[0] *= 2;
        x[0] = 100;                               // the original changes; the copy must not follow
        return weighted(c);
    }

    /** System.arraycopy into the middle of a buffer, overlapping copy within one array. */
    static double arraycopy(double[] x) {
        double[] buf = new double[x.length + 2];
        buf[0] = 1.0;
        System.arraycopy(x, 0, buf, 1, x.length);  // buf = 1, x0, x1, ..., 0
        System.arraycopy(buf, 1, buf, 2, x.length); // buf = 1, x0, x0, x1, ..., x_{n-1}
        return weighted(buf);
    }

    /** Arrays.copyOf (longer: zero padded) and copyOfRange. */
    static double copyOf(double[] x) {
        double[] longer = Arrays.copyOf(x, x.length + 2);
        double[] middle = Arrays.copyOfRange(x, 1, x.length);
        return weighted(longer) + 10 * weighted(middle);
    }

    /** Arrays.fill with an active value, then a partial fill with a constant. */
    static double fill(double[] x) {
        double[] a = new double[4];
        Arrays.fill(a, x[0] * x[1]);
        Arrays.fill(a, 2, 3, 5.0);
        return weighted(a); // (1 + 2 + 4) x0 x1 + 3 * 5
    }

    /** Arrays.sort: the derivatives follow the values. f = sum_i (i + 1) * sorted_i. */
    static double sort(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return weighted(s);
    }

    /** Partial sort of the middle of an array. */
    static double sortRange(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s, 1, s.length - 1);
        return weighted(s);
    }

    /** double[][]: rows built inside, a row shared twice, a row replaced, a shallow clone of the outer array. */
    static double matrix(double[] x) {
        double[][] m = new double[3][];
        m[0] = new double[] {x[0], x[1]};
        m[1] = m[0];                              // aliasing
        m[2] = new double[2];
        m[2][0] = m[1][0] * m[0][1];              // x0 x1
        double[][] copy = m.clone();              // shallow: copy[0] == m[0]
        copy[0][1] = 3 * x[1];                    // also visible through m[0] and m[1]
        double s = 0;
        for (double[] row : m) {
            for (double v : row) {
                s += v;
            }
        }
        return s; // x0 + 3 x1 + x0 + 3 x1 + x0 x1
    }

    private double[] stored;

    private void store(double[] a) {
        stored = a;
    }

    private static double[] scale(double[] a, double k) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] * k;
        }
        return r;
    }

    /** An array passed between methods, returned, stored in a field and read back through it. */
    static double passedAround(double[] x) {
        ArraysTarget t = new ArraysTarget();
        t.store(scale(x, x[0]));
        double[] back = t.stored;
        back[1] += 1;
        return weighted(t.stored); // sum (i + 1) x0 x_i + 2
    }

    /** Two-dimensional array created with multianewarray, filled and multiplied. */
    static double matVec(double[] x) {
        int n = 3;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = (i + 1) * x[j] + (i == j ? x[i] * x[i] : 0);
            }
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s += a[i][j] * x[i];
            }
        }
        return s;
    }

    static double weighted(double[] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (i + 1) * a[i];
        }
        return s;
    }

    /** An element changed by code Adjoint does not instrument, then read again. */
    static double changedBehindTheTape(double[] x) {
        double[] a = {x[0] * 2, x[1]};
        ExcludedLib.overwriteFirst(a);   // excluded from instrumentation: writes a[0] = 42
        return a[0] * a[1];
    }

    /** The same through the JDK: Arrays.setAll writes every element from a generator, uninstrumented. */
    static double changedByTheJdk(double[] x) {
        double[] a = {x[0] * 2, x[1]};
        Arrays.setAll(a, i -> i + 0.5);
        return a[0] + a[1];
    }

    /**
     * The function's own input changed by code Adjoint does not instrument. The function keeps its argument to itself
     * (an element write and a static call), so its input is the private copy whose element reads skip the freshness
     * check (core Tape.privateInput): the call handing the copy to uninstrumented code must end that.
     */
    static double inputChangedBehindTheTape(double[] x) {
        ExcludedLib.overwriteFirst(x);   // excluded from instrumentation: writes x[0] = 42
        return x[0] * x[1];
    }

    /** The same through the JDK (Arrays.setAll, no rule: a boundary call). */
    static double inputChangedByTheJdk(double[] x) {
        Arrays.setAll(x, i -> i + 0.5);
        return x[0] + x[1];
    }

    /** Where inputKeptThenChanged keeps its argument. */
    static double[] kept;

    /**
     * Keeps its input (so it gets a fresh copy, not the private one), then uninstrumented code changes it through the
     * static field, without the array passing through the call.
     */
    static double inputKeptThenChanged(double[] x) {
        kept = x;
        ExcludedLib.overwriteFirstOfKept();
        return x[0] * x[1];
    }

    /** The input written by twin code, here and in a helper, then read again: its shadow stays in step. */
    static double inputRewritten(double[] x) {
        x[0] = x[0] * x[1];
        scaleInPlace(x, 3);
        return x[0] + x[1] * x[1];
    }

    /**
     * The private input read at one site before and after another site writes it. Until written, the input's shadow is
     * not made (core Shadows.UNWRITTEN_INPUT) and the read site keeps that marker in its cache; after the write its
     * reads must see the slot written, not the input node. f = sum x + (3 x0 + x1 + ...): grad = (4, 2, 2, ...).
     */
    static double inputReadBeforeAndAfterAWrite(double[] x) {
        double s = 0;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < x.length; i++) {
                s += x[i];
            }
            if (round == 0) {
                x[0] = 3 * x[0];
            }
        }
        return s;
    }

    /**
     * The same across calls: a helper's read site keeps the marker in its site table from one call to the next, and the
     * caller writes the input between the calls. f = sum x + (x0 + x0 x1 + x2 + ...): grad = (2 + x1, 1 + x0, 2, ...).
     */
    static double inputReadByAHelperBeforeAndAfterAWrite(double[] x) {
        double a = sumOf(x);
        x[1] = x[1] * x[0];
        return a + sumOf(x);
    }

    private static double sumOf(double[] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i];
        }
        return s;
    }

    /**
     * The input read, then copied (a rule asks for the input's shadow, which is made then), then read again at the same
     * site and written through the copy only. f = sum x + (2 c0 + sum_(i>0) c_i) + sum x with c the copy of x:
     * grad = (4, 3, 3, ...).
     */
    static double inputReadCopiedAndReadAgain(double[] x) {
        double s = 0;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < x.length; i++) {
                s += x[i];
            }
            if (round == 0) {
                double[] c = Arrays.copyOf(x, x.length);
                c[0] = 2 * c[0];
                s += sumOf(c);
            }
        }
        return s;
    }

    private static void scaleInPlace(double[] a, double c) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= c;
        }
    }

    /** A double field changed by uninstrumented code, then read again. */
    static double fieldChangedBehindTheTape(double[] x) {
        ObjectsTarget.Particle p = new ObjectsTarget.Particle();
        p.velocity = x[0] * x[1];
        ExcludedLib.reset(p);            // writes p.velocity = 7
        return p.velocity * x[0];
    }
}
