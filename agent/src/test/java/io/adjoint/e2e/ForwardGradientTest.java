package io.adjoint.e2e;

import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import io.adjoint.ValueAndGradient;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Gradients.forward (tangent sweeps) equals Gradients.of (reverse sweep) on the same code. */
class ForwardGradientTest {
    private static final double TOL = 1e-13;

    private static void forwardEqualsReverse(ScalarFunction f, double[] x, String what) {
        ValueAndGradient rev = Gradients.of(f).valueAndGradient(x);
        ValueAndGradient fwd = Gradients.forward(f).valueAndGradient(x);
        assertEquals(f.apply(x.clone()), fwd.value(), 0.0, what + ": value");
        assertEquals(rev.value(), fwd.value(), 0.0, what + ": value");
        Check.close(rev.gradient(), fwd.gradient(), TOL, what);
    }

    @Test
    void rosenbrock() {
        forwardEqualsReverse(Functions::rosenbrock, new double[] {-1.2, 1.0}, "Rosenbrock n=2");
        double[] x = new Random(1).doubles(21, -2, 2).toArray(); // 21 inputs: three sweeps of 8
        forwardEqualsReverse(Functions::rosenbrock, x, "Rosenbrock n=21");
        double[] g = Gradients.forward(Functions::rosenbrock).at(-1.2, 1.0);
        Check.close(new double[] {-2 * (1 - -1.2) - 400 * -1.2 * (1.0 - 1.44), 200 * (1.0 - 1.44)}, g, TOL,
                "Rosenbrock by hand");
    }

    @Test
    void manyMathFunctions() {
        double[] x = {0.3, 1.7, 0.9, 0.6, 0.4, 1.2};
        forwardEqualsReverse(Functions::manyMath, x, "many Math functions");
    }

    @Test
    void loopsAndArrays() {
        forwardEqualsReverse(Functions::arrays, new Random(2).doubles(11, -1.5, 1.5).toArray(), "arrays");
    }

    @Test
    void recursion() {
        forwardEqualsReverse(Functions::recursive, new Random(3).doubles(9, -1, 1).toArray(), "recursion");
    }

    @Test
    void lambdasWithCapturedConstants() {
        double scale = 2.5;
        ScalarFunction f = x -> scale * Math.exp(-x[0] * x[0] - 0.5 * x[1] * x[1]) * Math.cos(x[2]);
        forwardEqualsReverse(f, new double[] {0.3, -0.7, 1.1}, "lambda");
    }

    static double median(double[] x) {
        double[] c = x.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }

    /** The median is one of the inputs: its gradient is a unit vector, in both modes. */
    @Test
    void medianReturnsAnInputItself() {
        Check.close(new double[] {1, 0, 0}, Gradients.of(ForwardGradientTest::median).at(2, 1, 3), 0.0, "reverse");
        Check.close(new double[] {1, 0, 0}, Gradients.forward(ForwardGradientTest::median).at(2, 1, 3), 0.0,
                "forward");
    }

    @Test
    void passiveResultGivesZeroGradient() {
        Check.close(new double[3], Gradients.forward(x -> 4.0).at(1, 2, 3), 0.0, "constant");
        Check.close(new double[2], Gradients.forward(x -> Math.floor(x[0]) + Math.signum(x[1])).at(1.5, -2),
                0.0, "piecewise constant");
    }

    @Test
    void exceptionsOfTheFunctionReachTheCaller() {
        ScalarFunction f = x -> {
            if (x[0] > 0) {
                throw new IllegalStateException("boom");
            }
            return x[0];
        };
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Gradients.forward(f).at(1.0));
        Check.close(new double[] {1.0}, Gradients.forward(f).at(-1.0), 0.0, "after an exception, tape reusable");
    }
}
