package io.adjoint.it.validation;

import org.junit.jupiter.api.Test;

/**
 * float arithmetic and float/double conversions. The reference is the finite difference of the program itself
 * (which rounds to float): for these functions float rounding makes FD noisy (eps_float ~ 6e-8 relative per
 * operation, divided by the step), so the references are hand formulas in double evaluated at the float-rounded
 * inputs, and the tolerance is float precision: 1e-6.
 */
class FloatTargetsTest {
    /** Float arithmetic rounds each result to 24 bits: derivatives are those of the real-valued function, to ~1e-7. */
    private static final double FLOAT = 1e-6;

    @Test
    void floatArithmeticAndConversions() {
        double[] x = {0.7, -1.3};
        float a = (float) x[0], b = (float) x[1];
        double c = a * 2f + b;
        V.gradient("mixed float", FloatTarget::mixed, x, new double[] {2 * x[0] + c, x[0]}, FLOAT);
    }

    @Test
    void floatArraysAndFields() {
        FloatTarget t = new FloatTarget();
        double[] x = {0.7, -1.3, 2.0};
        double g = 1.5;
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = 2 * g * g * x[i];
        }
        expected[0] += 1 / x[1];
        expected[1] += -x[0] / (x[1] * x[1]);
        V.gradient("float buffer", t::buffer, x, expected, FLOAT);
    }

    @Test
    void mathOnFloats() {
        double[] x = {0.7, -1.3};
        V.gradient("float math", FloatTarget::floatMath, x,
                new double[] {Math.cos(x[0]) * x[1], Math.sin(x[0])}, FLOAT);
    }
}
