package io.adjoint.agent.twin.targets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

/** Functions of a double[] that keep nothing of it, and functions that let it escape, one way each. */
public final class Escapes {
    private Escapes() {
    }

    // ---- keep nothing ----------------------------------------------------------------------------

    public static double sumOfSquares(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
        }
        return s;
    }

    /** Captured data first, the argument last (as a lambda's implementation method has them). */
    public static double throughHelpers(double[] data, int k, double[] x) {
        return partial(x, k) + sumOfSquares(x) + data[0];
    }

    private static double partial(double[] x, int k) {
        return k == 0 ? x[0] : x[k] + partial(x, k - 1); // recursion
    }

    public static double writesElementsAndCopies(double[] x) {
        x[0] = 2 * x[0];
        double[] c = x.clone();
        double[] d = Arrays.copyOf(x, x.length);
        double[] e = Arrays.copyOfRange(x, 0, 1);
        double[] f = new double[x.length];
        System.arraycopy(x, 0, f, 0, x.length);
        double[] same = x == c ? null : x; // a comparison; the local still holds x
        return c[0] + d[0] + e[0] + f[0] + (same != null ? same[0] : 0);
    }

    private double scale = 2;

    public double instanceThroughPrivate(double[] x) {
        return scale * privateSum(x);
    }

    private double privateSum(double[] x) {
        return sumOfSquares(x);
    }

    // ---- escape ----------------------------------------------------------------------------------

    public static double[] kept;
    private double[] field;
    public static final List<double[]> LIST = new ArrayList<>();

    public static double intoStatic(double[] x) {
        kept = x;
        return x[0];
    }

    public double intoField(double[] x) {
        field = x;
        return x[0];
    }

    public static double intoArray(double[] x) {
        Object[] holder = {x};
        kept = (double[]) holder[0];
        return x[0];
    }

    public static double intoCollection(double[] x) {
        LIST.add(x);
        return x[0];
    }

    public static double capturedByLambda(double[] x) {
        DoubleSupplier s = () -> x[0];
        return s.getAsDouble();
    }

    public static double returnedByHelper(double[] x) {
        kept = identity(x);
        return x[0];
    }

    private static double[] identity(double[] a) {
        return a;
    }

    public static double throughHelperThatKeeps(double[] data, double[] x) {
        return intoStatic(x) + data[0];
    }

    public static double throughLocalAndMerge(double[] x, boolean b) {
        double[] y = b ? x : new double[1];
        kept = y;
        return x[0];
    }

    public static double lockedOn(double[] x) {
        synchronized (x) {
            return x[0];
        }
    }

    public static double asListOfJdk(double[] x) {
        return Arrays.asList(x).size() + x[0]; // a List holding the array
    }

    public static native double nativeMethod(double[] x);

    public static double notAnArray(double x) {
        return x;
    }
}
