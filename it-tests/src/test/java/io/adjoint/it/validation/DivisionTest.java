package io.adjoint.it.validation;

import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import io.adjoint.UnivariateFunction;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;

/**
 * Divisions in preaccumulated blocks (agent twin/Preaccumulation computes their partials with as few divisions as it
 * can: -q * q for 1 / r, one a / y for both sides of x / y; TwinGeneratorTest.divisionsTakeOneDivisionEach counts
 * them) against hand-derived derivatives, at ordinary values and where r is tiny or huge, each component on its own
 * scale; Hessians (replayed one operation at a time through core Ops.div) against hand-derived second derivatives.
 */
class DivisionTest {
    /** Ordinary values, a tiny and a huge divisor (the derivatives stay normal numbers). */
    private static final double[] R = {0.7, -1.3, 1e-100, -1e-100, 1e100};

    /** d/dr (c / r) = -c / r^2 and d/dr (c / r)^2 = -2 c^2 / r^3, for c / r as a block's operand and root. */
    private static void constantNumerator(double c, UnivariateFunction over, UnivariateFunction squared) {
        for (double r : R) {
            V.derivative(c + " / " + r, over, r, -c / (r * r), ANALYTIC);
            V.derivative("(" + c + " / " + r + ")^2", squared, r, -2 * c * c / (r * r * r), ANALYTIC);
        }
        // past the range: c / r^2 overflows, and the derivative is infinite, not NaN
        V.derivative(c + " / 1e-200", over, 1e-200, -c / (1e-200 * 1e-200), ANALYTIC);
        double[][] h = Gradients.hessian(v -> over.apply(v[0])).at(-1.3);
        V.close(2 * c / (-1.3 * -1.3 * -1.3), h[0][0], ANALYTIC, 0, c + " / r: second derivative");
    }

    @Test
    void constantNumeratorOne() {
        constantNumerator(1.0, DivisionTarget::overOne, DivisionTarget::overOneSquared);
    }

    @Test
    void constantNumeratorMinusOne() {
        constantNumerator(-1.0, DivisionTarget::overMinusOne, DivisionTarget::overMinusOneSquared);
    }

    @Test
    void constantNumeratorsPowersOfTwo() {
        constantNumerator(2.0, DivisionTarget::overTwo, DivisionTarget::overTwoSquared);
        constantNumerator(0.5, DivisionTarget::overHalf, DivisionTarget::overHalfSquared);
    }

    @Test
    void constantNumeratorNotAPowerOfTwo() {
        constantNumerator(3.0, DivisionTarget::overThree, DivisionTarget::overThreeSquared);
    }

    /** The gradient as {@link V#gradient} checks it, and then each component against its own size. */
    private static void gradient(String what, ScalarFunction f, double[] x, double... expected) {
        double[] g = V.gradient(what, f, x, expected, ANALYTIC);
        for (int i = 0; i < x.length; i++) {
            V.close(expected[i], g[i], ANALYTIC, 0, what + "[" + i + "] on its own scale");
        }
    }

    private static final double[][] XY = {{1.5, -0.7}, {-0.3, 2.1}, {0.0, 2.0}, {0.3, 1e-100}, {-0.3, 1e100}};

    @Test
    void bothOperandsVariables() {
        for (double[] p : XY) {
            double x = p[0], y = p[1];
            String at = "(" + x + ", " + y + ")";
            gradient("x / y at " + at, DivisionTarget::quotient, p.clone(), 1 / y, -x / (y * y));
            gradient("(x / y)^2 at " + at, DivisionTarget::quotientSquared, p.clone(),
                    2 * x / (y * y), -2 * x * x / (y * y * y));
        }
        // x / y: [[0, -1/y^2], [-1/y^2, 2x/y^3]]
        double x = 1.5, y = -0.7;
        double[][] h = Gradients.hessian(DivisionTarget::quotient).at(x, y);
        V.compare("x / y Hessian row 0", new double[] {0, -1 / (y * y)}, h[0], ANALYTIC);
        V.compare("x / y Hessian row 1", new double[] {-1 / (y * y), 2 * x / (y * y * y)}, h[1], ANALYTIC);
        V.hessianAgainstFd("(x / y)^2", DivisionTarget::quotientSquared, new double[] {x, y});
    }

    @Test
    void oneOperandPassiveAtRunTime() {
        for (double[] p : XY) {
            double x = p[0], y = p[1];
            String at = "(" + x + ", " + y + ")";
            gradient("(x / y)^2, x passive, at " + at, DivisionTarget::passiveNumerator, p.clone(),
                    0, -2 * x * x / (y * y * y));
            gradient("(x / y)^2, y passive, at " + at, DivisionTarget::passiveDenominator, p.clone(),
                    2 * x / (y * y), 0);
        }
        double x = 1.5, y = -0.7;
        double[][] h = Gradients.hessian(DivisionTarget::passiveNumerator).at(x, y);
        V.compare("(x / y)^2, x passive, Hessian row 1", new double[] {0, 6 * x * x / (y * y * y * y)}, h[1], ANALYTIC);
    }

    @Test
    void operandsThatAreOneNode() {
        double[] p = {0.7, -1.3};
        // s / s + s with s = x0 x1: the quotient's partials cancel exactly
        gradient("s / s + s", DivisionTarget::selfQuotient, p.clone(), p[1], p[0]);
    }

    @Test
    void constantDivisors() {
        for (double x : R) {
            V.derivative("(" + x + " / 4)^2", DivisionTarget::quarter, x, x / 8, ANALYTIC);
            V.derivative("(" + x + " / 3)^2", DivisionTarget::third, x, 2 * x / 9, ANALYTIC);
        }
    }

    @Test
    void logarithms() {
        for (double x : new double[] {0.7, 2.5, 1e-300, 1e300}) {
            V.derivative("log " + x, DivisionTarget::log, x, 1 / x, ANALYTIC);
            V.derivative("(log " + x + ")^2", DivisionTarget::logSquared, x, 2 * Math.log(x) / x, ANALYTIC);
        }
    }
}
