package io.adjoint.it;

import io.adjoint.ScalarFunction;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Independent references and comparisons for gradients: analytic formulas are written by the tests. */
public final class Check {
    private Check() {
    }

    /** Tolerance for comparing with a hand-derived formula. */
    static final double ANALYTIC = 1e-10;
    /** Tolerance for comparing with Richardson-extrapolated central differences. */
    static final double FD = 1e-7;

    /** |actual - expected| <= rel * |expected| (an expected exact zero must be matched exactly). */
    static void close(double expected, double actual, double rel, String what) {
        close(expected, actual, rel, 0.0, what);
    }

    /**
     * |actual - expected| <= rel * max(|expected|, scale): {@code scale} is the size of the terms that
     * cancel to give {@code expected}, for components where the result is much smaller than its parts.
     */
    static void close(double expected, double actual, double rel, double scale, String what) {
        if (Double.isNaN(expected) || Double.isNaN(actual) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        double bound = rel * Math.max(Math.abs(expected), scale);
        if (!(Math.abs(actual - expected) <= bound)) {
            fail(what + ": expected " + expected + " but was " + actual + " (difference "
                    + Math.abs(actual - expected) + " > " + bound + ")");
        }
    }

    static void gradient(double[] expected, double[] actual, double rel, String what) {
        assertEquals(expected.length, actual.length, what + ": gradient length");
        for (int i = 0; i < expected.length; i++) {
            close(expected[i], actual[i], rel, what + "[" + i + "]");
        }
    }

    // ---- finite differences, computed by calling the function as plain Java ---------------------------

    /**
     * d/dx f at x by central differences with two steps of Richardson extrapolation (error O(h^6)).
     * The step scales with |x|, so that it stays well inside the domain of functions like sqrt near 0.
     */
    public static double fd(DoubleUnaryOperator f, double x) {
        double h = 1e-2 * Math.max(Math.abs(x), 1e-2);
        double d1 = central(f, x, h), d2 = central(f, x, h / 2), d3 = central(f, x, h / 4);
        double r1 = (4 * d2 - d1) / 3, r2 = (4 * d3 - d2) / 3;
        return (16 * r2 - r1) / 15;
    }

    private static double central(DoubleUnaryOperator f, double x, double h) {
        return (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
    }

    /** The gradient of f at x by {@link #fd(DoubleUnaryOperator, double)} along each coordinate. */
    public static double[] fdGradient(ScalarFunction f, double[] x) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int k = i;
            g[i] = fd(t -> {
                double[] y = x.clone();
                y[k] = t;
                return f.apply(y);
            }, x[i]);
        }
        return g;
    }
}
