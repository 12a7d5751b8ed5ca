package io.adjoint.it.app;

/**
 * Ordinary numeric code for the -javaagent tests ({@code io.adjoint.it.host}): it knows nothing of Adjoint.
 * The tests report these methods and compare with gradients they derive by hand.
 */
public final class Funcs {
    private Funcs() {
    }

    /** x y + sin x: gradient (y + cos x, x). */
    public static double f(double x, double y) {
        return x * y + Math.sin(x);
    }

    /** s * sum of v[i]^2 over i < n: gradient (2 s v[0], ..., 2 s v[len-1] (0 past n), sum). */
    public static double g(double[] v, int n, double s) {
        double t = 0;
        for (int i = 0; i < n; i++) {
            t += v[i] * v[i];
        }
        return s * t;
    }

    /** f(x, y) f(y, x): a reported method calling a reported method twice. */
    public static double h(double x, double y) {
        return f(x, y) * f(y, x);
    }

    /** x^n by recursion: derivative n x^(n-1). */
    public static double power(double x, int n) {
        return n == 0 ? 1.0 : x * power(x, n - 1);
    }

    /** Doubles v in place and returns the sum of squares of the new values: 4 sum v[i]^2, gradient 8 v[i]. */
    public static double scaleInPlace(double[] v) {
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] *= 2;
            s += v[i] * v[i];
        }
        return s;
    }

    /** sqrt(x) for x >= 0; throws for x < 0. */
    public static double checkedSqrt(double x) {
        if (x < 0) {
            throw new IllegalArgumentException("negative: " + x);
        }
        return Math.sqrt(x);
    }

    /** The classic bit trick for 1/sqrt(x), one Newton step: Adjoint cannot differentiate bits into a double. */
    public static double bitTrick(double x) {
        double y = Double.longBitsToDouble(0x5FE6EB50C7B537A9L - (Double.doubleToRawLongBits(x) >> 1));
        return y * (1.5 - 0.5 * x * y * y);
    }

    /**
     * Doubles v in place, then goes through the bit trick: the twin fails after writing into v, so the
     * original must run on v as it was at the call.
     */
    public static double scaleThenBits(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= 2;
        }
        return bitTrick(v[0]) + v[1];
    }

    /** exp(x) * Helper.cube(y): gradient (exp(x) y^3, 3 exp(x) y^2), through another class. */
    public static double viaHelper(double x, double y) {
        return Math.exp(x) * Helper.cube(y);
    }
}
