package io.adjoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Assertions with a relative tolerance, entry by entry: |expected - actual| <= tol * |expected| (zero is exact). */
final class Check {
    private Check() {
    }

    static void close(double expected, double actual, double tol, String what) {
        if (!(Math.abs(expected - actual) <= tol * Math.abs(expected))) {
            fail(what + ": expected " + expected + " but was " + actual + " (tolerance " + tol + ")");
        }
    }

    static void close(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            close(expected[i], actual[i], tol, what + " [" + i + "]");
        }
    }

    static void close(double[][] expected, double[][] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": rows");
        for (int i = 0; i < expected.length; i++) {
            close(expected[i], actual[i], tol, what + " [" + i + "]");
        }
    }

    static double[] times(double[][] a, double[] v) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < v.length; j++) {
                r[i] += a[i][j] * v[j];
            }
        }
        return r;
    }

    static double[] times(double[] u, double[][] a) {
        double[] r = new double[a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < r.length; j++) {
                r[j] += u[i] * a[i][j];
            }
        }
        return r;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
