package io.adjoint.it.validation;

import io.adjoint.Gradient;
import io.adjoint.Gradients;

import java.util.Arrays;

/**
 * Element reads and writes in loops, whose twins keep each site's array, shadow (or null) and shadow generation in
 * locals: the shapes where such a cache could go stale. ShadowCacheTest has the expected gradients.
 */
final class ShadowCacheTarget {
    private ShadowCacheTarget() {
    }

    /**
     * a starts without a shadow (the read site caches null on the first iteration); the write of iteration i makes
     * a[i + 1] active, read at iteration i + 1. f = sum_{i >= 1} (i + 1) x_{i-1}^2.
     */
    static double passiveThenActiveInOneLoop(double[] x) {
        int n = x.length;
        double[] a = new double[n];
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i] * (i + 1);
            if (i + 1 < n) {
                a[i + 1] = x[i] * x[i];
            }
        }
        return s;
    }

    /**
     * One store site writes an active value (creating the shadow while its cache holds null), then a passive one
     * into the same element: the element must become passive. f = a[0] x1 = 3 x1.
     */
    static double activeThenPassiveAtOneSite(double[] x) {
        double[] a = new double[2];
        for (int i = 0; i < 3; i++) {
            a[0] = i == 0 ? x[0] * x[0] : 3.0;
        }
        return a[0] * x[1];
    }

    /** One read site alternating between a passive array, an active copy and the input. f = sum_i (i + 1) b_i. */
    static double alternatingArrays(double[] x) {
        int n = x.length;
        double[] passive = new double[n];
        double[] twice = new double[n];
        for (int i = 0; i < n; i++) {
            passive[i] = i;
            twice[i] = 2 * x[i];
        }
        double[][] arrays = {passive, twice, x};
        double s = 0;
        for (int k = 0; k < 3 * n; k++) {
            double[] b = arrays[k % 3];
            s += (k + 1) * b[k / 3];
        }
        return s;
    }

    /**
     * A passive array read in a loop (its site caches null), then given active elements by System.arraycopy, read
     * again by the same site; then passive data copied over an active array (c), read again by its site.
     * f = (2/3 + 1) sum x_i from a (passes 1 and 2) + 2 sum x_i from c (passes 0 and 1).
     */
    static double replacedByArraycopy(double[] x) {
        int n = x.length;
        double[] a = new double[n];
        double[] c = x.clone();
        double s = 0;
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < n; i++) {
                s += a[i] * (pass + 1) / 3 + c[i];
            }
            if (pass == 0) {
                System.arraycopy(x, 0, a, 0, n);  // a gets a shadow: pass 1 counts 2/3 x, pass 2 counts 1 x
            } else {
                System.arraycopy(new double[n], 0, c, 0, n); // c's elements become passive zeros
            }
        }
        return s;
    }

    /** Arrays.fill with an active value into an array a loop read passive so far. f = 0 + x0 + 2 x0. */
    static double filledInTheLoop(double[] x) {
        double[] a = new double[3];
        double s = 0;
        for (int k = 0; k < 3; k++) {
            s += a[k];
            Arrays.fill(a, x[0] * (k + 1));
        }
        return s;
    }

    /** An element changed by code Adjoint does not instrument between two passes of the same read site. */
    static double overwrittenBetweenPasses(double[] x) {
        int n = x.length;
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = 2 * x[i];
        }
        double s = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < n; i++) {
                s += a[i] * a[i];
            }
            ExcludedLib.overwriteFirst(a);    // uninstrumented: a[0] = 42
        }
        return s;
    }

    /** Reads that throw and are caught, alternating with reads that do not. f = 4 x1 + 2. */
    static double caughtOutOfBounds(double[] x) {
        double[] a = {x[0] * 2, x[1]};
        double[] shorter = new double[1];
        double s = 0;
        for (int i = 0; i < 4; i++) {
            double[] b = i % 2 == 0 ? a : shorter;
            try {
                s += b[1] * (i + 1);
            } catch (ArrayIndexOutOfBoundsException e) {
                s += 1;
            }
        }
        return s;
    }

    static double[] shared = new double[0];
    static final Gradient INNER = Gradients.of(ShadowCacheTarget::inner);

    /** The nested recording: y0 y1 sum(shared), shared being data here (its elements active only outside). */
    static double inner(double[] y) {
        double s = 0;
        double[] own = new double[shared.length];
        for (int i = 0; i < shared.length; i++) {
            own[i] = shared[i] * y[0];
            s += own[i] * y[1];
        }
        return s;
    }

    /**
     * A loop over an array of this recording that starts a nested recording (by uninstrumented code) at every
     * iteration, which reads the same array and makes shadows of its own. f = sum_i x_i^2 G, G = d inner / d y0 at
     * (1, 1) = sum_j x_j^2, a constant here.
     */
    static double nestedRecordingInTheLoop(double[] x) {
        int n = x.length;
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = x[i] * x[i];
        }
        shared = a;
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i] * ExcludedLib.firstOfGradient(INNER, 1.0, 1.0);
        }
        return s;
    }

    /** a[0] + a[1] by a loop: a site whose cache starts empty at each call and asks its table across calls. */
    static double sumTwo(double[] a) {
        double s = 0;
        for (int i = 0; i < 2; i++) {
            s += a[i];
        }
        return s;
    }

    /**
     * sumTwo's site remembers data without a shadow from the first call; the store after it gives data one, which the
     * next calls must see. x is read by the same site between those calls (arrays alternating at one site).
     * f = 3 + 2 (1 + x0 x1) + 3 (x0 + x1) for k = 0, 1, 2.
     */
    static double acrossCalls(double[] x) {
        double[] data = {1.0, 2.0};
        double total = 0;
        for (int k = 0; k < 3; k++) {
            total += sumTwo(data);
            data[1] = x[0] * x[1];
            total += sumTwo(x);
        }
        return total;
    }

    /** Like acrossCalls, but data is the only array the site sees: its table entry is reused as it is. */
    static double acrossCallsOneArray(double[] x) {
        double[] data = {1.0, 2.0};
        double total = 0;
        for (int k = 0; k < 3; k++) {
            total += sumTwo(data);
            data[0] = x[0] * x[1];
        }
        return total;
    }
}
