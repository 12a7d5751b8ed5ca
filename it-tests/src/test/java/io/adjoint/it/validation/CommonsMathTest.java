package io.adjoint.it.validation;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.util.FastMath;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.adjoint.it.validation.V.ANALYTIC;

/**
 * commons-math3 3.6.1, the jar as shipped (Java 5 class files, JSR/RET-free but full of tables, series and
 * pivoting), differentiated through its own bytecode and checked against independent formulas.
 */
class CommonsMathTest {

    /**
     * Gamma.logGamma (Lanczos sum for x >= 8, logGamma1p / invGamma1pm1 rational fits and recurrences below)
     * differentiated as code. Reference 1: {@link Reference#digamma}, accurate to ~1e-15 absolute. The fits are
     * accurate to ~1e-15 relative in value and smooth (rational functions of x, no tables), so their derivatives are
     * accurate to a small multiple of that: 1e-12 relative to max(|psi|, 1) (absolute where |psi| < 1, since the
     * reference's own error is absolute: it subtracts terms of size ~ln 20).
     */
    @Test
    void logGammaAgainstDigamma() {
        for (double x : new double[] {0.1, 0.4, 0.9, 1.5, 2.3, 3.7, 7.5, 9.1, 25.0, 60.0, 300.0}) {
            double d = V.derivative("logGamma'(" + x + ")", Gamma::logGamma, x, Reference.digamma(x), 1e-12, 1.0);
            // Reference 2: the library's own digamma, documented as accurate to 1e-8 (absolute for x >= 1e-5)
            V.close(Gamma.digamma(x), d, 1e-8, 1.0, "logGamma'(" + x + ") against Gamma.digamma");
        }
    }

    /**
     * Erf.erf is regularizedGammaP(1/2, x^2) by a series or a continued fraction run to a relative epsilon of 1e-15
     * (a data-dependent number of iterations): the derivative of the truncated expansion differs from
     * 2/sqrt(pi) exp(-x^2) by about the truncation error relative to the terms, amplified by the number of terms
     * (up to ~100 near |x| = 3): 1e-10 is that bound with margin.
     */
    @Test
    void erfAgainstItsDerivative() {
        for (double x : new double[] {-2.5, -1.0, -0.3, 0.05, 0.5, 1.2, 2.0, 3.0}) {
            V.derivative("erf'(" + x + ")", Erf::erf, x, 2 / Math.sqrt(Math.PI) * Math.exp(-x * x), 1e-10);
        }
    }

    /** Variance with the bias correction: d/dx_i = 2 (x_i - mean) / (n - 1), exact up to rounding. */
    @Test
    void varianceAgainstItsFormula() {
        double[] x = {1.5, -0.25, 3.0, 2.75, -1.0, 0.5};
        int n = x.length;
        double mean = StatUtils.mean(x);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            expected[i] = 2 * (x[i] - mean) / (n - 1);
        }
        V.gradient("StatUtils.variance", StatUtils::variance, x, expected, ANALYTIC);
        V.gradient("StatUtils.mean", StatUtils::mean, x, new double[] {1.0 / n, 1.0 / n, 1.0 / n, 1.0 / n,
                1.0 / n, 1.0 / n}, ANALYTIC);
    }

    static double determinant(double[] x) {
        int n = (int) Math.round(Math.sqrt(x.length));
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = x[i * n + j];
            }
        }
        return new LUDecomposition(new Array2DRowRealMatrix(a)).getDeterminant();
    }

    /** det by Laplace expansion along the first row: independent of LU. */
    static double laplace(double[][] a) {
        int n = a.length;
        if (n == 1) {
            return a[0][0];
        }
        double d = 0;
        for (int j = 0; j < n; j++) {
            d += (j % 2 == 0 ? 1 : -1) * a[0][j] * laplace(minor(a, 0, j));
        }
        return d;
    }

    static double[][] minor(double[][] a, int row, int col) {
        int n = a.length;
        double[][] m = new double[n - 1][n - 1];
        for (int i = 0, r = 0; i < n; i++) {
            if (i == row) {
                continue;
            }
            for (int j = 0, c = 0; j < n; j++) {
                if (j != col) {
                    m[r][c++] = a[i][j];
                }
            }
            r++;
        }
        return m;
    }

    /** d det / dA_ij = cofactor C_ij = (-1)^(i+j) det(minor_ij), i.e. det * (A^-1)^T (Jacobi's formula). */
    static double[] cofactors(double[] x) {
        int n = (int) Math.round(Math.sqrt(x.length));
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = x[i * n + j];
            }
        }
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                c[i * n + j] = n == 1 ? 1 : ((i + j) % 2 == 0 ? 1 : -1) * laplace(minor(a, i, j));
            }
        }
        return c;
    }

    /**
     * LU with partial pivoting: the gradient of the product of U's diagonal (times the permutation's sign) against
     * the adjugate. The cofactors are sums of products computed another way, so they agree up to rounding scaled
     * by the condition of the matrix (modest here): ANALYTIC.
     */
    @Test
    void luDeterminantAgainstCofactors() {
        double[] a2 = {3.0, -1.5, 2.0, 4.0};
        V.gradient("det 2x2", CommonsMathTest::determinant, a2, new double[] {a2[3], -a2[2], -a2[1], a2[0]},
                ANALYTIC);
        double[] a3 = {2.0, -1.0, 0.5, 1.5, 3.0, -2.0, -0.5, 1.0, 4.0};
        V.gradient("det 3x3", CommonsMathTest::determinant, a3, cofactors(a3), ANALYTIC);
        Random r = new Random(20240607);
        double[] a5 = new double[25];
        for (int i = 0; i < a5.length; i++) {
            a5[i] = r.nextGaussian() + (i % 6 == 0 ? 3 : 0); // diagonally weighted: well conditioned
        }
        V.gradient("det 5x5", CommonsMathTest::determinant, a5, cofactors(a5), ANALYTIC);
        // a first row that needs pivoting
        double[] p3 = {1e-3, 2.0, 1.0, 3.0, -1.0, 0.5, 1.0, 2.0, -2.0};
        V.gradient("det 3x3 pivoting", CommonsMathTest::determinant, p3, cofactors(p3), ANALYTIC);
    }

    /** FastMath's own implementations (tables, bit tricks) get Math's derivative rules; formulas by hand. */
    @Test
    void fastMathFunctionsAgainstMathFormulas() {
        double a = 0.7, b = 1.9;
        d("sin", x -> FastMath.sin(x), a, Math.cos(a));
        d("cos", x -> FastMath.cos(x), a, -Math.sin(a));
        d("tan", x -> FastMath.tan(x), a, 1 / (Math.cos(a) * Math.cos(a)));
        d("asin", x -> FastMath.asin(x), a, 1 / Math.sqrt(1 - a * a));
        d("acos", x -> FastMath.acos(x), a, -1 / Math.sqrt(1 - a * a));
        d("atan", x -> FastMath.atan(x), b, 1 / (1 + b * b));
        d("exp", x -> FastMath.exp(x), b, Math.exp(b));
        d("expm1", x -> FastMath.expm1(x), a, Math.exp(a));
        d("log", x -> FastMath.log(x), b, 1 / b);
        d("log10", x -> FastMath.log10(x), b, 1 / (b * Math.log(10)));
        d("log1p", x -> FastMath.log1p(x), a, 1 / (1 + a));
        d("sqrt", x -> FastMath.sqrt(x), b, 0.5 / Math.sqrt(b));
        d("cbrt", x -> FastMath.cbrt(x), b, 1 / (3 * Math.cbrt(b) * Math.cbrt(b)));
        d("sinh", x -> FastMath.sinh(x), a, Math.cosh(a));
        d("cosh", x -> FastMath.cosh(x), a, Math.sinh(a));
        d("tanh", x -> FastMath.tanh(x), a, 1 / (Math.cosh(a) * Math.cosh(a)));
        d("asinh", x -> FastMath.asinh(x), a, 1 / Math.sqrt(a * a + 1));
        d("acosh", x -> FastMath.acosh(x), b, 1 / Math.sqrt(b * b - 1));
        d("atanh", x -> FastMath.atanh(x), a, 1 / (1 - a * a));
        d("abs", x -> FastMath.abs(x), -a, -1);
        d("pow(x, 2.5)", x -> FastMath.pow(x, 2.5), b, 2.5 * Math.pow(b, 1.5));
        d("pow(2.5, x)", x -> FastMath.pow(2.5, x), b, Math.pow(2.5, b) * Math.log(2.5));
        d("pow(x, 3)", x -> FastMath.pow(x, 3), b, 3 * b * b);
        d("hypot(x, 2)", x -> FastMath.hypot(x, 2.0), b, b / Math.hypot(b, 2));
        d("atan2(x, 2)", x -> FastMath.atan2(x, 2.0), b, 2 / (4 + b * b));
        d("max(x, 1)", x -> FastMath.max(x, 1.0), b, 1);
        d("floor", x -> FastMath.floor(x) + x, b, 1);
        // a composition: the chain rule through several FastMath rules
        double[] x = {0.4, 1.3};
        V.gradient("FastMath composition", v -> FastMath.exp(FastMath.sin(v[0]) * v[1]) + FastMath.log(v[1]), x,
                new double[] {Math.exp(Math.sin(x[0]) * x[1]) * Math.cos(x[0]) * x[1],
                        Math.exp(Math.sin(x[0]) * x[1]) * Math.sin(x[0]) + 1 / x[1]}, ANALYTIC);
    }

    private static void d(String name, io.adjoint.UnivariateFunction f, double x, double expected) {
        V.derivative("FastMath." + name + " at " + x, f, x, expected, ANALYTIC);
    }
}
