package io.adjoint.internal;

import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The finite-difference reference must itself be trustworthy before it judges the rules. */
class RichardsonTest {

    private static void accurate(DoubleUnaryOperator f, double x, double h0, double exact) {
        Richardson.Estimate e = Richardson.estimate(f, x, h0);
        double rel = Math.abs(e.value() - exact) / Math.abs(exact);
        assertTrue(rel <= 1e-10, () -> "f'(" + x + ") = " + e.value() + ", exact " + exact + ", rel err " + rel);
        assertTrue(e.error() <= 1e-9 * Math.abs(exact), () -> "error estimate " + e.error());
    }

    @Test
    void knownDerivatives() {
        accurate(Math::exp, 1.0, 0.125, Math.E);
        accurate(Math::exp, -20.0, 0.125, 2.061153622438558e-9);
        accurate(Math::sin, 0.3, 0.125, 0.955336489125606);
        accurate(x -> x * x * x * x * x * x * x, 1.3, 0.125, 7 * 4.826809);
        accurate(Math::log, 1e5, 1e4, 1e-5);
        accurate(Math::log, 1e-200, 1e-201, 1e200);
        accurate(x -> 1.0 / (1.0 + x * x), 2.0, 0.125, -0.16);
        accurate(Math::sqrt, 4.0, 0.5, 0.25);
        accurate(Math::atan, 1e3, 100.0, 1.0 / (1.0 + 1e6));
        // huge derivatives: the tableau must not overflow on the way
        accurate(Math::log, Double.MIN_NORMAL, 0.125 * Double.MIN_NORMAL, 1.0 / Double.MIN_NORMAL);
        accurate(x -> 1e300 * x, 2.0, 0.125, 1e300);
    }

    @Test
    void extrapolationBeatsAPlainCentralDifference() {
        double x = 0.7;
        double exact = Math.cos(x);
        double h = 1e-3;
        double plain = (Math.sin(x + h) - Math.sin(x - h)) / (2 * h);
        double rich = Richardson.derivative(Math::sin, x, 0.125);
        assertTrue(Math.abs(plain - exact) > 1e-8, "the plain difference has an O(h^2) error");
        assertTrue(Math.abs(rich - exact) < 1e-13, () -> "Richardson error " + Math.abs(rich - exact));
    }

    @Test
    void linearFunctionsAreExact() {
        assertEquals(3.0, Richardson.derivative(x -> 3.0 * x + 1.0, 5.0, 0.5), 1e-15);
        assertEquals(0.0, Richardson.derivative(x -> 42.0, 5.0, 0.5), 0.0);
    }

    @Test
    void rejectsBadSteps() {
        assertThrows(IllegalArgumentException.class, () -> Richardson.derivative(Math::sin, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Richardson.derivative(Math::sin, 0, Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> Richardson.derivative(Math::sin, 0, Double.POSITIVE_INFINITY));
    }
}
