package io.adjoint.agent.twin.targets;

/** Target: long and double locals and parameters interleaved, conversions, wide slots, ternaries. */
public class Locals {
    public static double mixed(double a, long b, double c, int d, float e, double f, Object g, long h) {
        long l = b + h;
        double x = a * c + l;
        int i = (int) x + d;
        float fl = e * 2;
        double y = fl + x;
        long m = (long) y;
        double z = i > 0 ? y : -y;
        short s = (short) m;
        byte by = (byte) i;
        char ch = (char) (s + by);
        return z + f + ch + (g == null ? 0 : 1) + (float) a;
    }

    public double instance(double a, long b) {
        double t = a;
        long u = b;
        for (int k = 0; k < 3; k++) {
            t = t * 2 + u;
            u = u * 3;
        }
        return t;
    }

    public static double manyLocals(double x) {
        double a0 = x, a1 = a0 + 1, a2 = a1 * a0, a3 = a2 - a1, a4 = a3 / 2, a5 = a4 + a0, a6 = a5 * a5;
        double a7 = a6 + a1, a8 = a7 - a2, a9 = a8 * 3, b0 = a9 + a0, b1 = b0 * b0, b2 = b1 - a9, b3 = b2 / a1;
        long l0 = (long) a0, l1 = l0 + 1, l2 = l1 * 2, l3 = l2 - l0, l4 = l3 + l1;
        double c0 = b3 + l4, c1 = c0 * a0, c2 = c1 + b2, c3 = c2 - c0, c4 = c3 * c3;
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + b0 + b1 + b2 + b3 + c0 + c1 + c2 + c3 + c4;
    }

    public static double returnsFromTernaries(double x, boolean flag) {
        double r = flag ? (x > 0 ? x : 0.0) : (x < 0 ? -x : Math.PI);
        return flag && x > 1 ? r * 2 : r;
    }
}
