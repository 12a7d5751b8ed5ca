package io.adjoint.it;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import io.adjoint.ValueAndGradient;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.adjoint.it.Check.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Extended Rosenbrock, n = 100, written as ordinary Java and handed over in every shape the API takes. */
class RosenbrockTest {
    private static final int N = 100;

    private static double[] point(long seed) {
        Random r = new Random(seed);
        double[] x = new double[N];
        for (int i = 0; i < N; i++) {
            x[i] = -2 + 4 * r.nextDouble();
        }
        return x;
    }

    private static void check(Gradient g, double[] x, double alpha, String what) {
        double[] expected = Rosenbrock.gradient(x, alpha);
        double[] scale = Rosenbrock.gradientScale(x, alpha);
        double[] before = x.clone();
        ValueAndGradient vg = g.valueAndGradient(x);
        assertEquals(N, vg.gradient().length);
        for (int i = 0; i < N; i++) {
            Check.close(expected[i], vg.gradient()[i], ANALYTIC, scale[i], what + " d/dx" + i);
        }
        double[] again = g.at(x);
        for (int i = 0; i < N; i++) {
            assertEquals(vg.gradient()[i], again[i], what + ": at and valueAndGradient agree");
        }
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(x), "the input is not modified");
    }

    @Test
    void staticMethodReference() {
        Gradient g = Gradients.of(Rosenbrock::extended);
        for (long seed = 1; seed <= 3; seed++) {
            double[] x = point(seed);
            check(g, x, 100, "Rosenbrock::extended");
            assertEquals(Rosenbrock.extended(x), g.valueAndGradient(x).value(), "value is the program's value");
        }
        double[] ones = new double[N];
        java.util.Arrays.fill(ones, 1.0);
        ValueAndGradient min = g.valueAndGradient(ones);
        assertEquals(0.0, min.value());
        for (double d : min.gradient()) {
            assertEquals(0.0, d, "the gradient vanishes at the minimum");
        }
        // the classic starting point (-1.2, 1, -1.2, 1, ...)
        double[] start = new double[N];
        for (int i = 0; i < N; i += 2) {
            start[i] = -1.2;
            start[i + 1] = 1.0;
        }
        check(g, start, 100, "Rosenbrock::extended at (-1.2, 1, ...)");
    }

    @Test
    void boundInstanceMethodReference() {
        Rosenbrock model = new Rosenbrock(100);
        Gradient g = Gradients.of(model::loss);
        double[] x = point(7);
        check(g, x, 100, "model::loss");
        assertEquals(model.loss(x), g.valueAndGradient(x).value());

        Rosenbrock other = new Rosenbrock(3.5); // the receiver's state counts
        check(Gradients.of(other::loss), x, 3.5, "other::loss");
        double before = model.evaluations();
        g.at(x);
        assertEquals(before + 1, model.evaluations(), "the model's own field writes still happen");
    }

    @Test
    void classImplementingScalarFunction() {
        Gradient g = Gradients.of(new Rosenbrock.AsFunction(N / 2));
        check(g, point(11), 100, "AsFunction");
    }

    @Test
    void anonymousClass() {
        Gradient g = Gradients.of(new ScalarFunction() {
            private static final long serialVersionUID = 1L;

            @Override
            public double apply(double[] x) {
                return Rosenbrock.extended(x);
            }
        });
        check(g, point(13), 100, "anonymous class");
    }

    @Test
    void lambdaCallingTheModel() {
        Rosenbrock model = new Rosenbrock(100);
        Gradient g = Gradients.of(x -> 0.5 * model.loss(x) + 0.5 * Rosenbrock.extended(x));
        check(g, point(17), 100, "lambda");
    }
}
