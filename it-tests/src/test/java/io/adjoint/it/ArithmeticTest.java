package io.adjoint.it;

import io.adjoint.Derivative;
import io.adjoint.Gradient;
import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.Check.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The double instructions: + - * / % and unary minus, with active and constant operands, and comparisons. */
class ArithmeticTest {

    @Test
    void addSubtractMultiplyDivide() {
        Gradient g = Gradients.of(x -> x[0] + x[1] - x[2] * x[3] + x[4] / x[5]);
        double[] p = {1.5, -2.0, 0.75, 3.0, 5.0, -4.0};
        Check.gradient(new double[] {1, 1, -p[3], -p[2], 1 / p[5], -p[4] / (p[5] * p[5])}, g.at(p), ANALYTIC, "+-*/");
    }

    @Test
    void constantsOnEitherSide() {
        Derivative d = Gradients.derivative(x -> (2 + x) * (x - 3) + (5 - x) / 4 + 7 / x - x * 0.5 + 1.5 * x % 100.0);
        double x = 1.25;
        double expected = (x - 3) + (2 + x) - 0.25 - 7 / (x * x) - 0.5 + 1.5;
        Check.close(expected, d.at(x), ANALYTIC, "constants");
    }

    @Test
    void unaryMinus() {
        Gradient g = Gradients.of(x -> -x[0] * -x[1] + -(x[0] - 2 * x[1]));
        double[] p = {0.5, 3.0};
        Check.gradient(new double[] {p[1] - 1, p[0] + 2}, g.at(p), ANALYTIC, "neg");
    }

    /** x % y = x - y * trunc(x / y): partials 1 and -trunc(x / y). */
    @Test
    void remainder() {
        Gradient g = Gradients.of(x -> x[0] % x[1]);
        double[][] points = {{7.5, 2.0}, {-7.5, 2.0}, {5.3, -1.7}, {0.3, 4.0}, {-12.25, -5.0}};
        for (double[] p : points) {
            double trunc = (double) (long) (p[0] / p[1]);
            Check.gradient(new double[] {1, -trunc}, g.at(p), ANALYTIC, "% at " + java.util.Arrays.toString(p));
            assertEquals(p[0] % p[1], g.valueAndGradient(p).value());
        }
        Derivative byConstant = Gradients.derivative(x -> x % 0.75);
        assertEquals(1.0, byConstant.at(2.0));
        Derivative ofConstant = Gradients.derivative(y -> 10.0 % y);
        assertEquals(-3.0, ofConstant.at(3.0)); // 10 % 3 = 10 - 3 * 3
    }

    static double compare(double a, double b) {
        double r = 0;
        if (a < b) {
            r += a * b;
        }
        if (a <= b) {
            r += a;
        }
        if (a > b) {
            r += a * a;
        }
        if (a >= b) {
            r += b * b;
        }
        if (a == b) {
            r += 10 * a;
        }
        if (a != b) {
            r -= b;
        }
        return r;
    }

    @Test
    void comparisonsInBranches() {
        Gradient g = Gradients.of(x -> compare(x[0], x[1]));
        Check.gradient(new double[] {2.0 + 1, 1.0 - 1}, g.at(1.0, 2.0), ANALYTIC, "a < b");
        Check.gradient(new double[] {2 * 3.0, 2 * 2.0 - 1}, g.at(3.0, 2.0), ANALYTIC, "a > b");
        Check.gradient(new double[] {1 + 10, 2 * 1.5}, g.at(1.5, 1.5), ANALYTIC, "a == b");
    }

    /** NaN compares false with everything: DCMPL and DCMPG must keep the JVM's NaN semantics. */
    @Test
    void comparisonsWithNaN() {
        Gradient g = Gradients.of(x -> x[0] * (x[1] > 0 ? 1 : 2) + x[0] * (x[1] < 0 ? 10 : 20)
                + x[0] * (x[1] >= 0 ? 100 : 200) + x[0] * (x[1] <= 0 ? 1000 : 2000) + x[0] * (x[1] != x[1] ? 1e4 : 2e4));
        double[] grad = g.at(1.0, Double.NaN);
        assertEquals(2 + 20 + 200 + 2000 + 1e4, grad[0]);
        grad = g.at(1.0, 0.5);
        assertEquals(1 + 20 + 100 + 2000 + 2e4, grad[0]);
    }

    @Test
    void compoundAssignmentsAndIncrements() {
        Derivative d = Gradients.derivative(x -> {
            double r = x;
            r += x;        // 2x
            r *= x;        // 2x^2
            r -= 1;        // 2x^2 - 1
            r /= x;        // 2x - 1/x
            r++;           // 2x - 1/x + 1
            return r;
        });
        double x = 0.8;
        Check.close(2 + 1 / (x * x), d.at(x), ANALYTIC, "compound");
    }
}
