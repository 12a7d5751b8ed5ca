package io.adjoint.it.validation;

import io.adjoint.ScalarFunction;
import org.hipparchus.analysis.differentiation.Gradient;
import org.hipparchus.special.Beta;
import org.hipparchus.special.Erf;
import org.hipparchus.special.Gamma;
import org.hipparchus.util.FastMath;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

/**
 * Hipparchus as shipped, checked against Hipparchus's own forward-mode automatic differentiation
 * ({@link Gradient}, a CalculusFieldElement): its special functions have field versions that run the same
 * algorithm on Gradient numbers, so both sides differentiate the same approximation.
 */
class HipparchusTest {
    /**
     * Both sides differentiate the same approximation, term by term, so they agree up to rounding: each derivative
     * is a sum of a few dozen products of partials, evaluated in a different order (and with FastMath's versus
     * Math's derivative formulas for the elementary functions, which differ by an ulp or two): 1e-12 relative.
     */
    private static final double SAME_ALGORITHM = 1e-12;

    /** The derivative by Hipparchus's Gradient (one variable). */
    private static double hipparchus(Function<Gradient, Gradient> f, double x) {
        return f.apply(Gradient.variable(1, 0, x)).getGradient()[0];
    }

    private static void against(String name, io.adjoint.UnivariateFunction f, Function<Gradient, Gradient> field,
                                double[] xs, double tol) {
        for (double x : xs) {
            double value = field.apply(Gradient.variable(1, 0, x)).getValue();
            V.close(f.apply(x), value, SAME_ALGORITHM, 0, name + ": the field version computes the value at " + x);
            V.derivative("Hipparchus " + name + " at " + x, f, x, hipparchus(field, x), tol);
        }
    }

    @Test
    void fastMathAgainstGradient() {
        double[] xs = {0.3, 0.7, 1.9};
        against("sin", FastMath::sin, FastMath::sin, xs, SAME_ALGORITHM);
        against("cos", FastMath::cos, FastMath::cos, xs, SAME_ALGORITHM);
        against("tan", FastMath::tan, FastMath::tan, xs, SAME_ALGORITHM);
        against("exp", FastMath::exp, FastMath::exp, xs, SAME_ALGORITHM);
        against("expm1", FastMath::expm1, FastMath::expm1, xs, SAME_ALGORITHM);
        against("log", FastMath::log, FastMath::log, xs, SAME_ALGORITHM);
        against("log1p", FastMath::log1p, FastMath::log1p, xs, SAME_ALGORITHM);
        against("log10", FastMath::log10, FastMath::log10, xs, SAME_ALGORITHM);
        against("sqrt", FastMath::sqrt, FastMath::sqrt, xs, SAME_ALGORITHM);
        against("cbrt", FastMath::cbrt, FastMath::cbrt, xs, SAME_ALGORITHM);
        against("atan", FastMath::atan, FastMath::atan, xs, SAME_ALGORITHM);
        against("sinh", FastMath::sinh, FastMath::sinh, xs, SAME_ALGORITHM);
        against("cosh", FastMath::cosh, FastMath::cosh, xs, SAME_ALGORITHM);
        against("tanh", FastMath::tanh, FastMath::tanh, xs, SAME_ALGORITHM);
        against("asinh", FastMath::asinh, FastMath::asinh, xs, SAME_ALGORITHM);
        double[] unit = {-0.6, 0.2, 0.7};
        against("asin", FastMath::asin, FastMath::asin, unit, SAME_ALGORITHM);
        against("acos", FastMath::acos, FastMath::acos, unit, SAME_ALGORITHM);
        against("atanh", FastMath::atanh, FastMath::atanh, unit, SAME_ALGORITHM);
        against("acosh", FastMath::acosh, FastMath::acosh, new double[] {1.2, 3.5}, SAME_ALGORITHM);
        against("pow(x, 2.5)", x -> FastMath.pow(x, 2.5), g -> FastMath.pow(g, 2.5), xs, SAME_ALGORITHM);
        against("pow(x, 3)", x -> FastMath.pow(x, 3), g -> FastMath.pow(g, 3), xs, SAME_ALGORITHM);
        against("pow(1.7, x)", x -> FastMath.pow(1.7, x), g -> Gradient.pow(1.7, g), xs, SAME_ALGORITHM);
        against("hypot(x, 0.8)", x -> FastMath.hypot(x, 0.8), g -> FastMath.hypot(g, g.newInstance(0.8)), xs,
                SAME_ALGORITHM);
        against("atan2(x, 0.8)", x -> FastMath.atan2(x, 0.8), g -> FastMath.atan2(g, g.newInstance(0.8)), xs,
                SAME_ALGORITHM);
    }

    @Test
    void specialFunctionsAgainstTheirFieldVersions() {
        double[] pos = {0.2, 0.9, 1.6, 3.3, 8.5, 12.0, 40.0};
        against("Gamma.logGamma", Gamma::logGamma, Gamma::logGamma, pos, SAME_ALGORITHM);
        against("Gamma.gamma", Gamma::gamma, Gamma::gamma, new double[] {0.2, 0.9, 1.6, 3.3, 8.5, 12.0, 25.0},
                SAME_ALGORITHM);
        // digamma(double) and digamma(T) are different code: the double version's asymptotic series (used from
        // x >= 49, reached from below by recurrence) has the sign of its 1/(120 x^4) term flipped, an error of
        // 2/(120 x^4) ~ 2.8e-9 (commons-math3 has the same; both document 1e-8 accuracy). So the reference here is
        // the finite difference of the double version itself.
        for (double x : pos) {
            double fd = V.fd(Gamma::digamma, x);
            V.derivative("Gamma.digamma at " + x, Gamma::digamma, x, fd, V.FD);
        }
        double[] xs = {-2.2, -0.7, 0.1, 0.6, 1.4, 2.9};
        against("Erf.erf", Erf::erf, Erf::erf, xs, SAME_ALGORITHM);
        against("Erf.erfc", Erf::erfc, Erf::erfc, xs, SAME_ALGORITHM);
        against("Erf.erfInv", Erf::erfInv, Erf::erfInv, new double[] {-0.9, -0.3, 0.1, 0.75}, SAME_ALGORITHM);
        // two variables: regularizedGammaP(a, x)
        for (double[] ax : new double[][] {{0.5, 0.7}, {2.5, 1.5}, {4.0, 9.0}}) {
            ScalarFunction p = v -> Gamma.regularizedGammaP(v[0], v[1]);
            Gradient gp = Gamma.regularizedGammaP(Gradient.variable(2, 0, ax[0]), Gradient.variable(2, 1, ax[1]));
            V.gradient("regularizedGammaP" + java.util.Arrays.toString(ax), p, ax, gp.getGradient(), SAME_ALGORITHM);
        }
    }

    /** Against an independent digamma (see CommonsMathTest#logGammaAgainstDigamma for the tolerance). */
    @Test
    void logGammaAgainstDigamma() {
        for (double x : new double[] {0.2, 0.9, 1.6, 3.3, 8.5, 12.0, 40.0}) {
            V.derivative("logGamma' at " + x, Gamma::logGamma, x, Reference.digamma(x), 1e-12, 1.0);
        }
    }

    /**
     * Beta has no field version: d/da logBeta(a, b) = digamma(a) - digamma(a + b), and symmetrically for b, with the
     * independent digamma. logBeta switches between formulas (logGamma sums, Stirling corrections) by range; each
     * is a smooth fit accurate to ~1e-14 in value: 1e-11 relative to max(|d|, 1).
     */
    @Test
    void logBetaAgainstDigamma() {
        for (double[] ab : new double[][] {{0.5, 0.7}, {2.5, 1.5}, {4.0, 9.0}, {12.0, 30.0}}) {
            double a = ab[0], b = ab[1];
            double[] expected = {Reference.digamma(a) - Reference.digamma(a + b),
                    Reference.digamma(b) - Reference.digamma(a + b)};
            double[] g = V.gradient("Beta.logBeta" + java.util.Arrays.toString(ab), v -> Beta.logBeta(v[0], v[1]), ab,
                    expected, 1e-11);
            for (int i = 0; i < 2; i++) {
                V.close(expected[i], g[i], 1e-11, 1.0, "logBeta " + i);
            }
        }
    }
}
