package io.adjoint.e2e;

import io.adjoint.Gradients;
import io.adjoint.HessianOperator;
import io.adjoint.ScalarFunction;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact Hessians (forward-over-reverse) against hand-derived ones, and Hessian-vector products. */
class HessianTest {
    private static final double TOL = 1e-10;

    private static double[][] symmetric(double[][] upper) {
        for (int i = 0; i < upper.length; i++) {
            for (int j = 0; j < i; j++) {
                upper[i][j] = upper[j][i];
            }
        }
        return upper;
    }

    private static void hessianIs(ScalarFunction f, double[] x, double[][] hand, String what) {
        double[][] h = Gradients.hessian(f).at(x);
        Check.close(hand, h, TOL, what);
        for (int i = 0; i < h.length; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(h[j][i], h[i][j], 0.0, what + ": symmetric");
            }
        }
        HessianOperator op = Gradients.hessianAt(f, x);
        assertEquals(x.length, op.dimension(), what);
        double[][] m = op.matrix();
        for (int i = 0; i < h.length; i++) { // the same sweeps over an equal recording
            assertArrayEquals(h[i], m[i], what + ": the operator's matrix, row " + i);
        }
        assertEquals(f.apply(x.clone()), op.value(), 0.0, what + ": value");
        Check.close(Gradients.of(f).at(x), op.gradient(), TOL, what + ": the operator's gradient");
        Random rnd = new Random(x.length);
        for (int trial = 0; trial < 2; trial++) {
            double[] v = rnd.doubles(x.length, -1, 1).toArray();
            double[] hv = Gradients.hvp(f, x, v);
            Check.close(Check.times(hand, v), hv, TOL, what + ": H v");
            // the kept recording with its adjoints swept once does the same operations as the one-pass hvp
            assertArrayEquals(hv, op.times(v), what + ": the operator's H v, to the last bit");
            double[] out = new double[x.length];
            assertSame(out, op.times(v, out));
            assertArrayEquals(hv, out, what + ": H v into the caller's array");
        }
    }

    /**
     * The operator keeps its own copy of the recording: recordings made on the same thread afterwards (which reuse the
     * thread's tape) and products asked from other threads at once change none of its products.
     */
    @Test
    void theOperatorOutlivesLaterRecordingsAndServesSeveralThreads() throws Exception {
        double[] x = new Random(21).doubles(19, -1.5, 1.5).toArray();
        HessianOperator op = Gradients.hessianAt(Functions::rosenbrock, x);
        double[] v = new Random(5).doubles(19, -1, 1).toArray();
        double[] first = op.times(v);
        double[] other = new Random(6).doubles(40, -1, 1).toArray();
        Gradients.hvp(HessianTest::product, other, other); // a larger second-order recording on this tape
        Gradients.of(Functions::rosenbrock).at(other);
        assertArrayEquals(first, op.times(v), "after other recordings on this thread");
        double[] hand = new double[19];
        for (int i = 0; i < 19; i++) { // the tridiagonal Hessian of extendedRosenbrockIsTridiagonal, times v
            if (i + 1 < 19) {
                hand[i] += (2 + 1200 * x[i] * x[i] - 400 * x[i + 1]) * v[i] - 400 * x[i] * v[i + 1];
            }
            if (i > 0) {
                hand[i] += 200 * v[i] - 400 * x[i - 1] * v[i - 1];
            }
        }
        Check.close(hand, first, TOL, "Rosenbrock H v by hand");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<double[]>> results = new java.util.ArrayList<>();
            for (int task = 0; task < 16; task++) {
                int seed = task % 2;
                results.add(pool.submit(() -> {
                    double[] w = seed == 0 ? v : new Random(7).doubles(19, -1, 1).toArray();
                    double[] r = null;
                    for (int rep = 0; rep < 200; rep++) {
                        r = op.times(w);
                    }
                    return r;
                }));
            }
            double[] second = op.times(new Random(7).doubles(19, -1, 1).toArray());
            for (int task = 0; task < 16; task++) {
                assertArrayEquals(task % 2 == 0 ? first : second, results.get(task).get(), "thread " + task);
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * What the operator is for: a Newton-CG solver (truncated conjugate gradients on H p = -g, using only products,
     * then a backtracking line search), one recording per outer step. From (-1.2, 1, ...) it must reach the minimum
     * to 1e-10 with the quadratic convergence of Newton's method: a wrong product stalls it or sends it astray.
     */
    @Test
    void newtonCgWithTheOperatorSolvesExtendedRosenbrock() {
        ScalarFunction f = Functions::extendedRosenbrock;
        int n = 100;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 2 == 0 ? -1.2 : 1.0;
        }
        int steps = 0;
        int products = 0;
        double gradientNorm = Double.POSITIVE_INFINITY;
        java.util.List<Double> norms = new java.util.ArrayList<>();
        for (; steps < 60; steps++) {
            HessianOperator h = Gradients.hessianAt(f, x);
            double[] g = h.gradient();
            gradientNorm = Math.sqrt(Check.dot(g, g));
            norms.add(gradientNorm);
            if (gradientNorm < 1e-10) {
                break;
            }
            // CG from p = 0 on H p = -g; on negative curvature take the last iterate (or -g at once)
            double[] p = new double[n];
            double[] r = new double[n];
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                r[i] = -g[i];
                d[i] = r[i];
            }
            double rr = Check.dot(r, r);
            double[] hd = new double[n];
            for (int it = 0; it < n && Math.sqrt(rr) > Math.min(0.01, gradientNorm) * gradientNorm; it++) {
                h.times(d, hd);
                products++;
                double curvature = Check.dot(d, hd);
                if (curvature <= 0) {
                    if (it == 0) {
                        p = r.clone();
                    }
                    break;
                }
                double alpha = rr / curvature;
                for (int i = 0; i < n; i++) {
                    p[i] += alpha * d[i];
                    r[i] -= alpha * hd[i];
                }
                double rrNext = Check.dot(r, r);
                for (int i = 0; i < n; i++) {
                    d[i] = r[i] + rrNext / rr * d[i];
                }
                rr = rrNext;
            }
            double step = 1;
            double slope = Check.dot(g, p);
            double[] next = new double[n];
            while (true) { // Armijo backtracking
                for (int i = 0; i < n; i++) {
                    next[i] = x[i] + step * p[i];
                }
                if (f.apply(next) <= h.value() + 1e-4 * step * slope || step < 1e-12) {
                    break;
                }
                step *= 0.5;
            }
            x = next;
        }
        assertTrue(gradientNorm < 1e-10, "Newton-CG converged: |g| = " + gradientNorm + " after " + steps + " steps");
        assertTrue(steps < 40, steps + " Newton steps");
        for (int i = 0; i < n; i++) {
            assertEquals(1.0, x[i], 1e-10, "x[" + i + "]");
        }
        assertTrue(products >= steps, products + " products");
        int last = norms.size() - 1; // quadratic at the end (seen: 0.027, 8.4e-4, 3.2e-9): a wrong H is linear at best
        for (int k = last - 2; k < last; k++) {
            assertTrue(norms.get(k + 1) <= 10 * norms.get(k) * norms.get(k), "quadratic convergence: " + norms);
        }
    }


    /** c x0^2 x1, c per instance. */
    static final class Scaled implements ScalarFunction {
        final double c;

        Scaled(double c) {
            this.c = c;
        }

        @Override
        public double apply(double[] x) {
            return c * x[0] * x[0] * x[1];
        }
    }

    /**
     * The static entry points (hvp, hessianAt) find a function's twin once per class (TwinEngine's cache): each call
     * must still differentiate its own instance, and a lambda's own captured values.
     */
    @Test
    void repeatedCallsDifferentiateEachInstanceAndEachCapture() {
        double[] x = {3, 2};
        double[] v = {1, -1};
        for (int round = 0; round < 3; round++) {
            for (double c : new double[] {1, 2, -0.5}) {
                double[] expected = {c * (4 * 1 + 6 * -1), c * 6 * 1}; // c [[2 x1, 2 x0], [2 x0, 0]] v
                assertArrayEquals(expected, Gradients.hvp(new Scaled(c), x, v), "instance c = " + c);
                ScalarFunction captured = y -> c * y[0] * y[0] * y[1];
                assertArrayEquals(expected, Gradients.hvp(captured, x, v), "lambda capturing c = " + c);
                assertArrayEquals(expected, Gradients.hessianAt(new Scaled(c), x).times(v), "operator c = " + c);
            }
            assertArrayEquals(new double[] {-2, 6}, Gradients.hvp(HessianTest::cubicTerm, x, v), "method reference");
        }
    }

    static double cubicTerm(double[] x) {
        return x[0] * x[0] * x[1];
    }

    @Test
    void theOperatorOfAFunctionThatIgnoresSomeInputs() {
        // the output's node lies below the last inputs: their gradient and their rows of H v are 0
        HessianOperator op = Gradients.hessianAt(x -> x[0] * x[0] * x[1], new double[] {3, 2, 7, 9});
        assertArrayEquals(new double[] {12, 9, 0, 0}, op.gradient());
        assertArrayEquals(new double[] {4 * 1 + 6 * -1, 6 * 1, 0, 0}, op.times(new double[] {1, -1, 5, 8}));
        assertArrayEquals(new double[] {4, 6, 0, 0}, op.matrix()[0]);
        assertArrayEquals(new double[] {6, 0, 0, 0}, op.matrix()[1]);
        assertArrayEquals(new double[4], op.matrix()[3]);
        HessianOperator constant = Gradients.hessianAt(x -> 2.5, new double[] {1, 2});
        assertEquals(2.5, constant.value(), 0.0);
        assertArrayEquals(new double[2], constant.matrix()[1]);
        assertArrayEquals(new double[2], constant.gradient());
        assertArrayEquals(new double[2], constant.times(new double[] {1, 1}));
        double[] v = {1, 2, 3, 4};
        assertThrows(IllegalArgumentException.class, () -> op.times(v, v));
        assertThrows(IllegalArgumentException.class, () -> op.times(new double[3]));
    }

    @Test
    void rosenbrockInTwoDimensions() {
        double x = -1.2, y = 1.0;
        double[][] hand = {{2 - 400 * (y - x * x) + 800 * x * x, -400 * x}, {-400 * x, 200}};
        hessianIs(Functions::rosenbrock, new double[] {x, y}, hand, "Rosenbrock n=2");
    }

    @Test
    void extendedRosenbrockIsTridiagonal() {
        double[] x = new Random(21).doubles(19, -1.5, 1.5).toArray(); // 19 inputs: three blocks of 8
        int n = x.length;
        double[][] hand = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (i + 1 < n) {
                hand[i][i] += 2 + 1200 * x[i] * x[i] - 400 * x[i + 1];
                hand[i][i + 1] = -400 * x[i];
            }
            if (i > 0) {
                hand[i][i] += 200;
            }
        }
        hessianIs(Functions::rosenbrock, x, symmetric(hand), "Rosenbrock n=19");
    }

    /** exp(x0 x1) + sin(x2)/x0 + log(1 + x1^2) + x0^x2 + atan2(x1, x2) + |x|. */
    static double mixed(double[] x) {
        return Math.exp(x[0] * x[1]) + Math.sin(x[2]) / x[0] + Math.log(1 + x[1] * x[1]) + Math.pow(x[0], x[2])
                + Math.atan2(x[1], x[2]) + Math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    }

    @Test
    void mixedElementaryFunctionsByHand() {
        double a = 0.7, b = -0.4, c = 1.3;
        double[][] h = new double[3][3];
        double e = Math.exp(a * b);
        h[0][0] += b * b * e;
        h[0][1] += (1 + a * b) * e;
        h[1][1] += a * a * e;
        h[2][2] += -Math.sin(c) / a;
        h[0][2] += -Math.cos(c) / (a * a);
        h[0][0] += 2 * Math.sin(c) / (a * a * a);
        h[1][1] += 2 * (1 - b * b) / Math.pow(1 + b * b, 2);
        h[0][0] += c * (c - 1) * Math.pow(a, c - 2);
        h[0][2] += Math.pow(a, c - 1) * (1 + c * Math.log(a));
        h[2][2] += Math.pow(a, c) * Math.log(a) * Math.log(a);
        double s = b * b + c * c;
        h[1][1] += -2 * c * b / (s * s);
        h[1][2] += (b * b - c * c) / (s * s);
        h[2][2] += 2 * b * c / (s * s);
        double[] x = {a, b, c};
        double r = Math.sqrt(a * a + b * b + c * c);
        for (int i = 0; i < 3; i++) {
            for (int j = i; j < 3; j++) {
                h[i][j] += ((i == j ? 1 : 0) - x[i] * x[j] / (r * r)) / r;
            }
        }
        hessianIs(HessianTest::mixed, x, symmetric(h), "mixed");
    }

    /** tanh(x0) cbrt(x1) + asin(x2) x3 + cosh(x3) / (1 + x0^2). */
    static double unaries(double[] x) {
        return Math.tanh(x[0]) * Math.cbrt(x[1]) + Math.asin(x[2]) * x[3] + Math.cosh(x[3]) / (1 + x[0] * x[0]);
    }

    @Test
    void unaryRulesComposedByHand() {
        double a = 0.45, b = 2.2, c = -0.35, d = 0.9;
        double th = Math.tanh(a), s2 = 1 - th * th;          // tanh' = sech^2
        double cb = Math.cbrt(b);
        double q = 1 + a * a, ch = Math.cosh(d), sh = Math.sinh(d);
        double[][] h = new double[4][4];
        h[0][0] = -2 * th * s2 * cb + ch * (6 * a * a - 2) / Math.pow(q, 3);
        h[0][1] = s2 / (3 * cb * cb);
        h[1][1] = th * -2.0 / (9 * Math.pow(b, 5.0 / 3.0));
        h[2][2] = c / Math.pow(1 - c * c, 1.5) * d;
        h[2][3] = 1 / Math.sqrt(1 - c * c);
        h[0][3] = -2 * a * sh / (q * q);
        h[3][3] = ch / q;
        hessianIs(HessianTest::unaries, new double[] {a, b, c, d}, symmetric(h), "unary rules");
    }

    /** (1/2) x^T A x + (b . x)^3 with A not symmetric, through loops over arrays. */
    static final double[][] A = new double[12][12];
    static final double[] B = new double[12];

    static {
        Random rnd = new Random(99);
        for (int i = 0; i < 12; i++) {
            B[i] = rnd.nextDouble() - 0.5;
            for (int j = 0; j < 12; j++) {
                A[i][j] = rnd.nextDouble() * 2 - 1;
            }
        }
    }

    static double quadraticPlusCubic(double[] x) {
        double q = 0, bx = 0;
        for (int i = 0; i < x.length; i++) {
            double row = 0;
            for (int j = 0; j < x.length; j++) {
                row += A[i][j] * x[j];
            }
            q += x[i] * row;
            bx += B[i] * x[i];
        }
        return 0.5 * q + bx * bx * bx;
    }

    @Test
    void quadraticFormPlusCubicThroughLoops() {
        double[] x = new Random(4).doubles(12, -1, 1).toArray();
        double bx = 0;
        for (int i = 0; i < 12; i++) {
            bx += B[i] * x[i];
        }
        double[][] hand = new double[12][12];
        for (int i = 0; i < 12; i++) {
            for (int j = 0; j < 12; j++) {
                hand[i][j] = 0.5 * (A[i][j] + A[j][i]) + 6 * bx * B[i] * B[j];
            }
        }
        hessianIs(HessianTest::quadraticPlusCubic, x, hand, "quadratic + cubic");
    }

    /** prod (1 + x_i^2), by recursion. */
    static double product(double[] x) {
        return productFrom(x, 0);
    }

    private static double productFrom(double[] x, int i) {
        return i == x.length ? 1.0 : (1 + x[i] * x[i]) * productFrom(x, i + 1);
    }

    @Test
    void recursiveProductByHand() {
        double[] x = {0.3, -0.8, 1.1, 0.5, -1.4};
        double p = 1;
        for (double v : x) {
            p *= 1 + v * v;
        }
        double[][] hand = new double[5][5];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                hand[i][j] = i == j ? 2 * p / (1 + x[i] * x[i])
                        : 4 * x[i] * x[j] * p / ((1 + x[i] * x[i]) * (1 + x[j] * x[j]));
            }
        }
        hessianIs(HessianTest::product, x, hand, "recursive product");
    }

    @Test
    void linearAndConstantFunctionsHaveZeroHessians() {
        hessianIs(x -> 3 * x[0] - x[1] + Math.abs(x[2]) + Math.max(x[0], x[1]), new double[] {1, 2, -3},
                new double[3][3], "piecewise linear");
        hessianIs(x -> 4.0, new double[] {1, 2}, new double[2][2], "constant");
    }

    static double cameraCost(double[] p) {
        double[] r = Camera.residual(p);
        return 0.5 * (r[0] * r[0] + r[1] * r[1]) + 0.1 * r[2];
    }

    /** An independent reference: Richardson-extrapolated central differences of the (reverse) gradient. */
    @Test
    void cameraCostHessianAgainstDifferencesOfTheGradient() {
        double[] p = Camera.parameters();
        double[][] reference = JacobianTest.richardson(x -> Gradients.of(HessianTest::cameraCost).at(x), p);
        double[][] h = Gradients.hessian(HessianTest::cameraCost).at(p);
        Check.close(reference, h, 1e-7, "camera cost Hessian vs Richardson");
    }

    @Test
    void hvpOnTheCameraCostEqualsTheHessianTimesV() {
        ScalarFunction cost = HessianTest::cameraCost;
        double[] p = Camera.parameters();
        double[][] h = Gradients.hessian(cost).at(p);
        Random rnd = new Random(8);
        for (int trial = 0; trial < 3; trial++) {
            double[] v = rnd.doubles(15, -1, 1).toArray();
            double[] expected = Check.times(h, v);
            double[] got = Gradients.hvp(cost, p, v);
            double scale = 0;
            for (double e : expected) {
                scale = Math.max(scale, Math.abs(e));
            }
            for (int i = 0; i < 15; i++) {
                Check.close(expected[i] / scale, got[i] / scale, 1e-12, "camera H v [" + i + "]");
            }
        }
    }
}
