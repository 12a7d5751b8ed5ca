package io.adjoint.it.validation;

import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;

/**
 * Preaccumulation across statements (agent twin/Preaccumulation; TwinGeneratorTest checks the generated code's
 * shape): every gathered block against hand-derived gradients or Richardson differences, and its Hessian (which
 * replays the gathered operations one by one) against hand-derived second derivatives.
 */
class BasicBlocksTest {
    private static final double[] X = {0.7, -1.3, 2.1, 0.4, -0.2, 1.1};

    @Test
    void rosenbrockLoopBody() {
        double[] x = X.clone();
        double[] g = new double[x.length];
        for (int i = 0; i + 1 < x.length; i += 2) {
            double t1 = x[i + 1] - x[i] * x[i];
            g[i] = -400 * t1 * x[i] - 2 * (1 - x[i]);
            g[i + 1] = 200 * t1;
        }
        V.gradient("rosenbrock", BlocksTarget::rosenbrock, x, g, ANALYTIC);
        // Hessian of one pair: [[1200 x0^2 - 400 x1 + 2, -400 x0], [-400 x0, 200]]
        double[][] h = Gradients.hessian(BlocksTarget::rosenbrock).at(0.7, -1.3);
        double[][] expected = {{1200 * 0.49 + 400 * 1.3 + 2, -400 * 0.7}, {-400 * 0.7, 200}};
        for (int i = 0; i < 2; i++) {
            V.compare("rosenbrock Hessian row " + i, expected[i], h[i], ANALYTIC);
        }
    }

    @Test
    void chainOfLocalsReadTwice() {
        double[] x = {0.7, -1.3};
        double a = x[0] * x[1];
        double b = a + Math.sin(a);
        double c = b * b - a;
        double q = 1 + b * b;
        double db = 1 + Math.cos(a);
        // f = c / q: df/da = (dc/da q - c dq/da) / q^2, dc/da = 2 b db - 1, dq/da = 2 b db
        double dfda = ((2 * b * db - 1) * q - c * 2 * b * db) / (q * q);
        V.gradient("chain", BlocksTarget::chain, x, new double[] {dfda * x[1], dfda * x[0]}, ANALYTIC);
        V.hessianAgainstFd("chain", BlocksTarget::chain, x);
    }

    @Test
    void localReadAfterTheBlock() {
        double[] x = X.clone();
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            g[i] = 4 * x[i];
        }
        g[x.length - 1] += 2 * x[x.length - 1];
        V.gradient("read after the block", BlocksTarget::readAfterTheBlock, x, g, ANALYTIC);
    }

    @Test
    void storeBetweenReadsOfAnElement() {
        double[] x = {0.7, -1.3};
        // a = x0 x1, b = a^2: f = a + a^2
        double dfda = 1 + 2 * x[0] * x[1];
        V.gradient("store between reads", BlocksTarget::storeBetweenReads, x,
                new double[] {dfda * x[1], dfda * x[0]}, ANALYTIC);
        V.hessianAgainstFd("store between reads", BlocksTarget::storeBetweenReads, x);
    }

    @Test
    void callBetweenReadsOfAnElement() {
        double[] x = {0.7, -1.3};
        // f = x0 x1 + 3 x0^2
        V.gradient("call between reads", BlocksTarget::callBetweenReads, x,
                new double[] {x[1] + 6 * x[0], x[0]}, ANALYTIC);
    }

    @Test
    void indexChangesBetweenReads() {
        double[] x = {0.7, -1.3, 2.1};
        // f = x1 x0^2 + x2^2
        V.gradient("index changes", BlocksTarget::indexChangesBetweenReads, x,
                new double[] {2 * x[0] * x[1], x[0] * x[0], 2 * x[2]}, ANALYTIC);
    }

    @Test
    void localOverwrittenBetweenReadsOfOneExpression() {
        double[] x = {0.7, -1.3, 0.4, 1.1, -0.6};
        int n = x.length;
        // r = 2 x0 x1^2 + sum_{i >= 2} 4 x_{i-1} x_i^2, f = r + 2 x_{n-1}
        double[] g = new double[n];
        g[0] += 2 * x[1] * x[1];
        g[1] += 4 * x[0] * x[1];
        for (int i = 2; i < n; i++) {
            g[i - 1] += 4 * x[i] * x[i];
            g[i] += 8 * x[i - 1] * x[i];
        }
        g[n - 1] += 2;
        V.gradient("local overwritten before the root", BlocksTarget::localOverwrittenBeforeTheRoot, x, g, ANALYTIC);
        // s_i = s_{i-1} x_i + sin(x_i)^2: a hand-written adjoint
        double[] before = new double[n];
        double s = x[0];
        for (int i = 1; i < n; i++) {
            before[i] = s;
            s = s * x[i] + Math.sin(x[i]) * Math.sin(x[i]);
        }
        double[] h = new double[n];
        double adj = 1;
        for (int i = n - 1; i >= 1; i--) {
            h[i] = adj * (before[i] + 2 * Math.sin(x[i]) * Math.cos(x[i]));
            adj *= x[i];
        }
        h[0] = adj;
        V.gradient("local overwritten inside the tree", BlocksTarget::localOverwrittenInsideTheTree, x, h, ANALYTIC);
    }

    @Test
    void arrayChangesBetweenReads() {
        double[] x = {0.7, -1.3};
        // y' = {2 x1}: f = 2 x1 x0^2 + 2 x1
        V.gradient("array changes", BlocksTarget::arrayChangesBetweenReads, x,
                new double[] {4 * x[1] * x[0], 2 * x[0] * x[0] + 2}, ANALYTIC);
    }

    @Test
    void ternaryOperand() {
        double[] x = {0.7, -1.3};
        // x0 > 0: f = x0^2 x1 + x0 x1
        V.gradient("ternary", BlocksTarget::ternaryOperand, x,
                new double[] {2 * x[0] * x[1] + x[1], x[0] * x[0] + x[0]}, ANALYTIC);
        double[] y = {-0.7, -1.3};
        // x0 < 0: f = x0 x1^2 + x0 x1
        V.gradient("ternary, other arm", BlocksTarget::ternaryOperand, y,
                new double[] {y[1] * y[1] + y[1], 2 * y[0] * y[1] + y[0]}, ANALYTIC);
    }

    @Test
    void localReadInACatchBlock() {
        double[] x = {0.7, -1.3, 2.1};
        V.gradient("try", BlocksTarget::readInCatch, x, new double[] {x[1] * x[2], x[0] * x[2], x[0] * x[1]}, ANALYTIC);
        double[] y = {0.7, -1.3, -2.1};
        V.gradient("catch", BlocksTarget::readInCatch, y, new double[] {y[1], y[0], 0}, ANALYTIC);
    }

    @Test
    void sameLocalTwiceInOneExpression() {
        double[] x = {0.7, -1.3};
        double u = x[0] + x[1];
        double d = 3 * u * u + 1;
        V.gradient("same local twice", BlocksTarget::sameLocalTwice, x, new double[] {d, d}, ANALYTIC);
        V.hessianAgainstFd("same local twice", BlocksTarget::sameLocalTwice, x);
    }

    @Test
    void functionsAcrossStatements() {
        double[] x = {0.7, -1.3, 2.1};
        V.gradientFd("functions", BlocksTarget::functions, x);
        V.hessianAgainstFd("functions", BlocksTarget::functions, x);
    }

    /** sech^2 x as core's rule computes it (not 1 - tanh^2 x, which is 0 once tanh x rounds to 1). */
    private static double sech2(double x) {
        double c = Math.cosh(x);
        return 1 / (c * c);
    }

    @Test
    void moreFunctionsInOneBlock() {
        for (double[] x : new double[][] {{0.7, -1.3, 2.1}, {-0.4, 0.9, -1.7}, {25.0, 1.5, 0.2}}) {
            double u = x[0] * x[1], w = x[1] - x[2];
            double a = Math.tanh(u) + Math.atan(w);
            double b = Math.sinh(0.5 * x[2]) * Math.cosh(0.3 * x[0]);
            double dt = sech2(u), da = 1 / (1 + w * w);
            double db0 = Math.sinh(0.5 * x[2]) * 0.3 * Math.sinh(0.3 * x[0]);
            double db2 = 0.5 * Math.cosh(0.5 * x[2]) * Math.cosh(0.3 * x[0]);
            double tan = Math.tan(0.3 * x[2]);
            double[] g = {
                dt * x[1] * b + a * db0 + 0.2 * Math.exp(0.2 * x[0]),
                (dt * x[0] + da) * b - 2 * x[1] / (1 + x[1] * x[1]),
                -da * b + a * db2 + 0.3 * (1 + tan * tan)};
            V.gradient("more functions at " + java.util.Arrays.toString(x), BlocksTarget::moreFunctions, x, g, ANALYTIC);
        }
        V.hessianAgainstFd("more functions", BlocksTarget::moreFunctions, new double[] {0.7, -1.3, 2.1});
    }

    @Test
    void aSumOfTanhTerms() {
        double[] x = new double[300];
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = 3 * Math.sin(0.37 * i);
            g[i] = 2 * sech2(x[i]);
        }
        x[7] = 30; // tanh rounds to 1 here: the slope must still be sech^2 (about 3.5e-26), not 1 - 1 = 0
        g[7] = 2 * sech2(30.0);
        double[] got = V.gradient("sum of tanh terms", BlocksTarget::tanhSum, x, g, ANALYTIC);
        V.close(2 * sech2(30.0), got[7], ANALYTIC, 0, "the slope past tanh's rounding to 1, on its own scale");
    }

    @Test
    void computedIndices() {
        V.gradientFd("indexed", BlocksTarget::indexed, X.clone());
        V.hessianAgainstFd("indexed", BlocksTarget::indexed, X.clone());
    }
}
