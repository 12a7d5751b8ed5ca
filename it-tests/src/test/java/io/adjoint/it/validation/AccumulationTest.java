package io.adjoint.it.validation;

import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;

/**
 * Loop-carried sums extend their accumulator's tape node (agent twin/Preaccumulation, core Tape.endAccumulate; the
 * tape operation itself: core AccumulateTest; the generated code's shape: TwinGeneratorTest.loopCarriedSumsExtend-
 * TheirNode): every shape against hand-derived gradients in both modes (or Richardson differences where the formula
 * would be a second implementation), and Hessians, which record a node per iteration.
 */
class AccumulationTest {
    private static final double[] X = {0.7, -1.3, 2.1, 0.4, -0.2, 1.1, -0.9};

    /** 300 values: more iterations than one node has arguments (127). */
    private static double[] many() {
        double[] x = new double[300];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(0.37 * i + 0.2);
        }
        return x;
    }

    private static double sumOfSquares(double[] x, int to) {
        double s = 0;
        for (int i = 0; i < to; i++) {
            s += x[i] * x[i];
        }
        return s;
    }

    @Test
    void dotProductsWithConstantWeights() {
        for (double[] x : new double[][] {X.clone(), many()}) {
            double[] g = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                g[i] = i + 0.5;
            }
            V.gradient("weighted, n = " + x.length, AccumulationTarget::weighted, x, g, ANALYTIC);
            java.util.Arrays.fill(g, 1.0);
            V.gradient("plain sum, n = " + x.length, AccumulationTarget::plainSum, x, g, ANALYTIC);
        }
        double[][] h = Gradients.hessian(AccumulationTarget::weighted).at(X.clone());
        for (int i = 0; i < X.length; i++) {
            V.compare("weighted Hessian row " + i, new double[X.length], h[i], ANALYTIC);
        }
    }

    @Test
    void sumsPastTheArityCapOfANode() {
        double[] x = many();
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            g[i] = 3 * x[i] * x[i];
        }
        V.gradient("cubes, n = 300", AccumulationTarget::cubes, x, g, ANALYTIC);
        V.gradient("rosenbrock, n = 300", AccumulationTarget::rosenbrock, x, rosenbrockGradient(x), ANALYTIC);
        double[] y = java.util.Arrays.copyOf(x, 130);
        double[][] h = Gradients.hessian(AccumulationTarget::cubes).at(y);
        for (int i = 0; i < y.length; i++) {
            double[] row = new double[y.length];
            row[i] = 6 * y[i];
            V.compare("cubes Hessian row " + i, row, h[i], ANALYTIC);
        }
    }

    private static double[] rosenbrockGradient(double[] x) {
        int n = x.length;
        double[] g = new double[n];
        for (int k = 0; k < n; k++) {
            if (k <= n - 2) {
                g[k] += -400 * x[k] * (x[k + 1] - x[k] * x[k]) - 2 * (1 - x[k]);
            }
            if (k >= 1) {
                g[k] += 200 * (x[k] - x[k - 1] * x[k - 1]);
            }
        }
        return g;
    }

    @Test
    void rosenbrockAndItsHessian() {
        double[] x = X.clone();
        V.gradient("rosenbrock", AccumulationTarget::rosenbrock, x, rosenbrockGradient(x), ANALYTIC);
        double[][] h = Gradients.hessian(AccumulationTarget::rosenbrock).at(x);
        int n = x.length;
        for (int k = 0; k < n; k++) { // tridiagonal
            double[] row = new double[n];
            if (k <= n - 2) {
                row[k] += 1200 * x[k] * x[k] - 400 * x[k + 1] + 2;
                row[k + 1] = -400 * x[k];
            }
            if (k >= 1) {
                row[k] += 200;
                row[k - 1] = -400 * x[k - 1];
            }
            V.compare("rosenbrock Hessian row " + k, row, h[k], ANALYTIC);
        }
    }

    @Test
    void accumulatorMinusTermAndTermPlusAccumulator() {
        double[] x = X.clone();
        int n = x.length;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = -x[i] + (i == 0 ? 1 : 0);
        }
        V.gradient("s - term", AccumulationTarget::subtracted, x, g, ANALYTIC);
        for (int i = 0; i < n; i++) {
            g[i] = 2 * x[n - 1 - i];
        }
        V.gradient("term + s", AccumulationTarget::onTheRight, x, g, ANALYTIC);
        V.hessianAgainstFd("s - term", AccumulationTarget::subtracted, x);
        V.hessianAgainstFd("term + s", AccumulationTarget::onTheRight, x);
    }

    @Test
    void aCopyOfTheSumTakenAtEachIteration() {
        double[] x = X.clone();
        int n = x.length;
        double[] g = new double[n];
        for (int k = 0; k < n; k++) { // s + t, t = sum_i S_{i-1} x_i
            double after = 0;
            for (int i = k + 1; i < n; i++) {
                after += x[i];
            }
            g[k] = 2 * x[k] + sumOfSquares(x, k) + 2 * x[k] * after;
        }
        V.gradient("copied each iteration", AccumulationTarget::copiedEachIteration, x, g, ANALYTIC);
        V.hessianAgainstFd("copied each iteration", AccumulationTarget::copiedEachIteration, x);
    }

    @Test
    void aCopyOfTheSumKeptPastTheLoop() {
        double[] x = X.clone();
        int n = x.length;
        double[] g = new double[n];
        double mid = sumOfSquares(x, 3), s = sumOfSquares(x, n);
        for (int k = 0; k < n; k++) { // s * mid
            g[k] = 2 * x[k] * mid + (k <= 2 ? s * 2 * x[k] : 0);
        }
        V.gradient("copy kept past the loop", AccumulationTarget::copyKeptPastTheLoop, x, g, ANALYTIC);
        V.hessianAgainstFd("copy kept past the loop", AccumulationTarget::copyKeptPastTheLoop, x);
    }

    @Test
    void partialSumsStoredIntoAnArray() {
        double[] x = X.clone();
        int n = x.length;
        double[] g = new double[n];
        for (int k = 0; k < n; k++) { // sum_i S_i x_i
            double from = 0;
            for (int i = k; i < n; i++) {
                from += x[i];
            }
            g[k] = sumOfSquares(x, k + 1) + 2 * x[k] * from;
        }
        V.gradient("partial sums in an array", AccumulationTarget::partialSumsInAnArray, x, g, ANALYTIC);
    }

    @Test
    void nestedLoopsReadingTheSumBetweenInnerRuns() {
        double[] x = X.clone();
        int n = x.length;
        double q = sumOfSquares(x, n);
        double[] c = {1, 3, 6};
        double[] g = new double[n];
        for (int k = 0; k < n; k++) {
            for (int r = 0; r < 3; r++) {
                g[k] += c[r] * 2 * x[k] * x[r];
            }
            if (k < 3) {
                g[k] += c[k] * q;
            }
        }
        V.gradient("read between inner runs", AccumulationTarget::readBetweenInnerRuns, x, g, ANALYTIC);
        V.hessianAgainstFd("read between inner runs", AccumulationTarget::readBetweenInnerRuns, x);
        V.gradient("kept between inner runs", AccumulationTarget::keptBetweenInnerRuns, x, g, ANALYTIC);
        for (int k = 0; k < n; k++) {
            g[k] = 2 * x[k] + (k == 1 ? 1 : 0);
        }
        V.gradient("restarted from an element", AccumulationTarget::restartedFromAnElement, x, g, ANALYTIC);
        V.gradientFd("layer", AccumulationTarget::layer, x);
        V.hessianAgainstFd("layer", AccumulationTarget::layer, x);
    }

    @Test
    void sumsInterleavedWithOtherNodes() {
        double[] x = X.clone();
        int n = x.length;
        double[] g = new double[n];
        for (int k = 0; k < n; k++) {
            double others = 1;
            for (int i = 0; i < n; i++) {
                others *= i == k ? 1 : x[i];
            }
            g[k] = 2 * x[k] + others;
        }
        V.gradient("interleaved with a product", AccumulationTarget::interleavedWithAProduct, x, g, ANALYTIC);
        double s = sumOfSquares(x, n), t = 0;
        for (double v : x) {
            t += v;
        }
        for (int k = 0; k < n; k++) {
            g[k] = 2 * x[k] * t + s;
        }
        V.gradient("two accumulators", AccumulationTarget::twoAccumulators, x, g, ANALYTIC);
        V.hessianAgainstFd("two accumulators", AccumulationTarget::twoAccumulators, x);
        for (int k = 0; k < n; k++) {
            g[k] = 2 * x[k] + (k % 2 == 0 ? 3 : 0);
        }
        V.gradient("two sites, one local", AccumulationTarget::twoSitesOneLocal, x, g, ANALYTIC);
    }

    @Test
    void sumsWhoseAccumulatorPartialIsNotOne() {
        double[] x = X.clone();
        int n = x.length;
        double p = 1;
        for (double v : x) {
            p *= 1 + v;
        }
        double[] g = new double[n];
        for (int k = 0; k < n; k++) {
            g[k] = p / (1 + x[k]);
        }
        V.gradient("read in the term", AccumulationTarget::readInTheTerm, x, g, ANALYTIC);
    }

    @Test
    void termMinusAccumulatorIsNotASum() {
        double[] x = X.clone();
        int n = x.length;
        double[] g = new double[n];
        for (int k = 0; k < n; k++) {
            g[k] = ((n - 1 - k) % 2 == 0 ? 2 : -2) * x[k];
        }
        V.gradient("subtracted from", AccumulationTarget::subtractedFrom, x, g, ANALYTIC);
    }
}
