package io.adjoint.it;

import io.adjoint.Derivative;
import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import io.adjoint.UnivariateFunction;
import io.adjoint.ValueAndGradient;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.Check.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ways a function reaches the API: captures, sub-interfaces, default methods, overriding receivers. */
class FunctionShapesTest {

    /** A model interface whose apply is a default method, as a library might offer. */
    interface Model extends ScalarFunction {
        double loss(double[] x);

        @Override
        default double apply(double[] x) {
            return loss(x) + 0.5 * x[0] * x[0];
        }
    }

    static final class Quadratic implements Model {
        private static final long serialVersionUID = 1L;

        @Override
        public double loss(double[] x) {
            return 3 * x[0] * x[1];
        }
    }

    /** A sub-interface of the API's interface, implemented by a lambda. */
    interface Named extends ScalarFunction {
        default String name() {
            return "named";
        }
    }

    static class Base {
        double eval(double x) {
            return x * x;
        }

        double twiceEval(double x) {
            return 2 * eval(x);
        }
    }

    static class Derived extends Base {
        @Override
        double eval(double x) {
            return Math.sin(x);
        }
    }

    interface WithDefault {
        double inner(double x);

        default double outer(double x) {
            return Math.exp(inner(x));
        }
    }

    static final class Cubic implements WithDefault {
        @Override
        public double inner(double x) {
            return x * x * x;
        }
    }

    @Test
    void capturedValuesArePassive() {
        double scale = 2.5;
        int power = 3;
        double[] data = {1.0, -2.0, 0.5};
        String label = "abc";
        Gradient g = Gradients.of(x -> {
            double s = 0;
            for (int i = 0; i < data.length; i++) {
                s += data[i] * Programs.power(x[i], power);
            }
            return scale * s + label.length() * x[0];
        });
        double[] x = {0.5, 1.5, -2.0};
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            expected[i] = scale * data[i] * 3 * x[i] * x[i];
        }
        expected[0] += 3;
        Check.gradient(expected, g.at(x), ANALYTIC, "captures");
        double a = -1.25;
        Derivative d = Gradients.derivative(t -> a * t * t);
        Check.close(2 * a * 0.75, d.at(0.75), ANALYTIC, "captured double in derivative");
    }

    @Test
    void applyIsADefaultMethod() {
        Gradient g = Gradients.of(new Quadratic());
        double[] x = {1.5, -2.0};
        Check.gradient(new double[] {3 * x[1] + x[0], 3 * x[0]}, g.at(x), ANALYTIC, "default apply");
    }

    @Test
    void lambdaOfASubInterface() {
        Named f = x -> x[0] / x[1];
        Check.gradient(new double[] {1 / 4.0, -2.0 / 16}, Gradients.of(f).at(2.0, 4.0), ANALYTIC, "sub-interface");
    }

    @Test
    void boundReferenceDispatchesOnTheReceiver() {
        Base receiver = new Derived();
        Derivative d = Gradients.derivative(receiver::twiceEval);
        Check.close(2 * Math.cos(0.4), d.at(0.4), ANALYTIC, "Derived.eval via Base.twiceEval");
        Derivative e = Gradients.derivative(receiver::eval);
        Check.close(Math.cos(0.4), e.at(0.4), ANALYTIC, "overriding eval");
    }

    @Test
    void boundReferenceToADefaultMethod() {
        WithDefault w = new Cubic();
        Derivative d = Gradients.derivative(w::outer);
        double x = 0.6;
        Check.close(Math.exp(x * x * x) * 3 * x * x, d.at(x), ANALYTIC, "default method via bound reference");
    }

    @Test
    void degenerateFunctions() {
        ValueAndGradient constant = Gradients.of(x -> 42.0).valueAndGradient(1.0, 2.0);
        assertEquals(42.0, constant.value());
        assertArrayEquals(new double[] {0, 0}, constant.gradient());
        assertArrayEquals(new double[] {0, 1, 0}, Gradients.of(x -> x[1]).at(5.0, 6.0, 7.0));
        ValueAndGradient none = Gradients.of(x -> x.length + 1.5).valueAndGradient();
        assertEquals(1.5, none.value());
        assertEquals(0, none.gradient().length);
        UnivariateFunction identity = t -> t;
        assertEquals(1.0, Gradients.derivative(identity).at(3.0));
    }

    @Test
    void functionWritingItsInputArray() {
        double[] x = {1.5, 2.0};
        Gradient g = Gradients.of(v -> {
            v[0] = v[0] * v[1];   // overwrites an input element with an active value
            v[1] = 0;             // and another with a constant
            return v[0] * v[0];
        });
        double[] grad = g.at(x);
        assertArrayEquals(new double[] {1.5, 2.0}, x, "the caller's array is not modified");
        double p = x[0] * x[1];
        Check.gradient(new double[] {2 * p * x[1], 2 * p * x[0]}, grad, ANALYTIC, "in-place writes");
    }

    /**
     * The optimizer-style call: value returned, gradient written into the caller's array (old contents
     * overwritten, zeros included), the same as valueAndGradient bit for bit, in reverse and forward mode; x may
     * be the gradient array itself; a wrong length is refused before anything runs.
     */
    @Test
    void valueAndGradientIntoTheCallersArray() {
        ScalarFunction f = v -> v[0] * v[0] * v[1] + Math.sin(v[2]);
        double[] x = {1.5, -2.0, 0.25};
        for (Gradient g : new Gradient[] {Gradients.of(f), Gradients.forward(f)}) {
            ValueAndGradient expected = g.valueAndGradient(x);
            double[] into = {7, 7, 7};
            double value = g.valueAndGradientInto(x, into);
            assertEquals(expected.value(), value, 0.0);
            assertArrayEquals(expected.gradient(), into, 0.0);
            Check.gradient(new double[] {2 * x[0] * x[1], x[0] * x[0], Math.cos(x[2])}, into, ANALYTIC, "into");
            assertArrayEquals(new double[] {1.5, -2.0, 0.25}, x, "x is not modified");

            double[] same = x.clone();
            assertEquals(expected.value(), g.valueAndGradientInto(same, same), 0.0);
            assertArrayEquals(expected.gradient(), same, 0.0, "x and gradient the same array");

            double[] stale = {9, 9};
            assertEquals(42.0, Gradients.of(v -> 42.0).valueAndGradientInto(new double[] {1, 2}, stale));
            assertArrayEquals(new double[] {0, 0}, stale, "a constant function writes zeros");

            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> g.valueAndGradientInto(x, new double[2]));
            assertEquals("gradient has length 2, x has 3", e.getMessage());
        }
        double[] big = new double[40], bigGrad = new double[40];
        for (int i = 0; i < big.length; i++) {
            big[i] = 0.1 * i - 1;
        }
        double value = Gradients.of(Rosenbrock::extended).valueAndGradientInto(big, bigGrad);
        assertEquals(Rosenbrock.extended(big), value, 0.0);
        Check.gradient(Rosenbrock.gradient(big, 100), bigGrad, ANALYTIC, "Rosenbrock n = 40 into an array");
    }
}
