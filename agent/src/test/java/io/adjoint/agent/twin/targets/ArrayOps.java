package io.adjoint.agent.twin.targets;

/** Target: double[] and double[][] created, read, written, compound-assigned, cloned, copied. */
public class ArrayOps {
    public static double[] squares(double[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i] * x[i];
        }
        return r;
    }

    public static double compound(double[] x) {
        x[0] += x[1];               // DUP2, DALOAD, DADD, DASTORE
        x[1] *= 2;
        double v = x[2] = x[0];      // DUP2_X2 on a long slot
        return v + x[2];
    }

    public static double matrix(double[] x) {
        double[][] m = new double[x.length][x.length];
        double[][] ragged = new double[2][];
        ragged[0] = x.clone();
        ragged[1] = java.util.Arrays.copyOf(x, 3);
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                m[i][j] = x[i] * x[j] + ragged[0][j];
            }
        }
        double[] copy = new double[x.length];
        System.arraycopy(x, 0, copy, 0, x.length);
        int[] idx = {0, 1};
        long[] longs = {1L, 2L};
        return m[idx[0]][idx[1]] + copy[0] + longs[1] + ragged[1][2];
    }

    public static double initialised(double a, double b) {
        double[] v = {a, b, a * b, 1.0, 0.0};
        return v[2] + v[3];
    }
}
