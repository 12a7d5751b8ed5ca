package io.adjoint.e2e;

import java.util.Arrays;

/** Test targets: ordinary Java code, instrumented because it lives in io.adjoint.e2e. */
final class Functions {
    private Functions() {
    }

    /** The extended Rosenbrock function: sum of 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2. */
    static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
        }
        return s;
    }

    /** Extended Rosenbrock: n/2 independent pairs, one minimum, at (1, ..., 1). */
    static double extendedRosenbrock(double[] x) {
        double f = 0;
        for (int i = 0; i + 1 < x.length; i += 2) {
            double t1 = x[i + 1] - x[i] * x[i];
            double t2 = 1 - x[i];
            f += 100 * t1 * t1 + t2 * t2;
        }
        return f;
    }

    /** Most of java.lang.Math and StrictMath in one expression (all smooth at the test points). */
    static double manyMath(double[] x) {
        double a = Math.exp(x[0]) * Math.log(x[1]) + Math.sqrt(x[2]) - Math.cbrt(x[3]);
        double b = Math.sin(x[0] * x[1]) + Math.cos(x[2]) * Math.tan(x[3]);
        double c = Math.asin(x[4]) + Math.acos(x[4] * x[0]) + Math.atan(x[5]);
        double d = Math.sinh(x[5]) - Math.cosh(x[4]) + Math.tanh(x[3] * x[2]);
        double e = Math.pow(x[1], x[2]) + Math.atan2(x[3], x[5]) + Math.hypot(x[0], x[4]);
        double f = Math.log10(x[1]) + Math.log1p(x[2]) + Math.expm1(x[3]) + StrictMath.sin(x[5]) * StrictMath.exp(x[4]);
        double g = Math.abs(x[5] - 3) + Math.max(x[0], x[1]) * Math.min(x[2], x[3]) + Math.fma(x[0], x[1], x[2]);
        return a * b + c / d + e * f + g + Math.toDegrees(x[0]) * Math.toRadians(x[1]);
    }

    /** Loops, temporary arrays, copies and a sort. */
    static double arrays(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * x[(i + 1) % x.length] + Math.sin(x[i]);
        }
        double[] z = Arrays.copyOf(y, y.length + 2);
        System.arraycopy(y, 0, z, 2, y.length);
        Arrays.sort(z);
        double s = 0;
        for (int i = 0; i < z.length; i++) {
            s += (i + 1) * z[i] * z[i] / (1 + x[i % x.length] * x[i % x.length]);
        }
        return s;
    }

    /** Recursion: a continued product and a recursive Horner scheme. */
    static double recursive(double[] x) {
        return product(x, x.length) + horner(x, x[0], 0);
    }

    private static double product(double[] x, int n) {
        return n == 0 ? 1.0 : (1 + 0.5 * Math.sin(x[n - 1])) * product(x, n - 1);
    }

    private static double horner(double[] c, double t, int i) {
        return i == c.length ? 0.0 : c[i] + t * horner(c, t, i + 1);
    }
}
