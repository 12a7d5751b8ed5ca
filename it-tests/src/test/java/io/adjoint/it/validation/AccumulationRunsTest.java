package io.adjoint.it.validation;

import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;

/**
 * Accumulation runs (agent twin/AccumulationRuns, core Tape.runOpen/runArg/runEnd): a loop-carried sum's node kept
 * open in the twin's locals must give the same gradients as one node per iteration, wherever the run ends (loop exit,
 * break, a handler, a read of the sum), is abandoned (the local overwritten, an exception leaving the method) or does
 * not start (Hessians, a read of the sum inside the loop). Each target against a hand-derived gradient (or a hand-written
 * adjoint), in reverse and forward mode (V.gradient); the generated code's shape: TwinGeneratorTest.
 */
class AccumulationRunsTest {
    /** 300 values: more iterations than one node has arguments (127), so runs roll over to a new node. */
    private static double[] values(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.sin(0.37 * i + 0.2) * 1.5;
        }
        return x;
    }

    private static double[] scaled(double[] x, double c) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            g[i] = c * x[i];
        }
        return g;
    }

    @Test
    void aRunOverTheWholeLoopAndPastTheTapesCapacity() {
        for (int n : new int[] {1, 2, 126, 127, 128, 300}) {
            double[] x = values(n);
            V.gradient("squares, n = " + n, RunsTarget::squares, x, scaled(x, 2), ANALYTIC);
        }
        // reverse mode only (forward mode takes one pass per input): the tape's arrays grow while runs are open
        double[] x = values(200_001);
        V.compare("squares, n = 200001", scaled(x, 2), Gradients.of(RunsTarget::squares).at(x), ANALYTIC);
        double[][] h = Gradients.hessian(RunsTarget::squares).at(values(5));
        for (int i = 0; i < 5; i++) {
            double[] row = new double[5];
            row[i] = 2;
            V.compare("squares Hessian row " + i, row, h[i], ANALYTIC);
        }
    }

    @Test
    void innerSumsRestartedInEachOuterIteration() {
        int n = 17; // 17 x 17 inputs, 17 sums
        double[] x = values(n * n);
        double[] g = new double[n * n];
        for (int r = 0; r < n; r++) {
            double y = 0;
            for (int c = 0; c < n; c++) {
                y += (r + 2 * c + 1) * x[r * n + c];
            }
            for (int c = 0; c < n; c++) {
                g[r * n + c] = 2 * y * (r + 2 * c + 1);
            }
        }
        V.gradient("rows squared", RunsTarget::rowsSquared, x, g, ANALYTIC);
        double[] last = new double[n * n];
        for (int c = 0; c < n; c++) {
            last[(n - 1) * n + c] = c + 1;
        }
        V.gradient("last row only", RunsTarget::lastRowOnly, x, last, ANALYTIC);
        V.hessianAgainstFd("rows squared", RunsTarget::rowsSquared, values(9));
    }

    @Test
    void loopsLeftEarly() {
        double[] x = values(300);
        x[250] = 11; // break here
        double[] g = new double[x.length];
        for (int i = 0; i < 250; i++) {
            g[i] = x[i] < 0 ? 0 : 6 * x[i] * x[i];
        }
        V.gradient("break and continue", RunsTarget::earlyExit, x, g, ANALYTIC);
    }

    @Test
    void exceptionsCaughtInsideAndAfterTheLoop() {
        for (int n : new int[] {5, 300}) {
            double[] x = values(n);
            // caughtInTheLoop, by a hand-written forward accumulation of the gradient of s
            double s = 0;
            double[] gs = new double[n];
            for (int i = 0; i < n; i++) {
                int j = (i * 7) % (n + 1);
                if (j == n) {
                    s *= 3;
                    for (int k = 0; k < n; k++) {
                        gs[k] *= 3;
                    }
                } else {
                    s += x[i] * x[j];
                    gs[i] += x[j];
                    gs[j] += x[i];
                }
            }
            V.gradient("caught in the loop, n = " + n, RunsTarget::caughtInTheLoop, x, gs, ANALYTIC);
            double squares = 0;
            for (double v : x) {
                squares += v * v;
            }
            V.gradient("caught after the loop, n = " + n, RunsTarget::caughtAfterTheLoop, x, scaled(x, 4 * squares),
                    ANALYTIC);
        }
    }

    @Test
    void aRunAbandonedByAnExceptionLeavesNoTrace() {
        double[] x = values(300);
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            g[i] = i + 1;
        }
        g[0] += 5;
        V.gradient("abandoned by the callee", RunsTarget::abandonedByTheCallee, x, g, ANALYTIC);
    }

    @Test
    void localSlotsReusedBySumsAndInts() {
        double[] x = values(300);
        double a = 0, b = 1;
        for (double v : x) {
            a += v * v;
            b += 3 * v;
        }
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            g[i] = 2 * x[i] * b + 3 * a;
        }
        V.gradient("slots reused", RunsTarget::slotsReused, x, g, ANALYTIC);
    }

    /** The value of RunsTarget.halves and its gradient added into g (times {@code w}), by hand. */
    private static double halves(double[] x, int from, int to, double[] g, double w) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * x[i];
        }
        for (int i = from; i < to; i++) {
            g[i] += w * Math.cos(s) * 2 * x[i];
        }
        if (to - from > 3) {
            int mid = (from + to) / 2;
            double left = halves(x, from, mid, new double[x.length], 0);
            double right = halves(x, mid, to, new double[x.length], 0);
            halves(x, from, mid, g, w * right);
            halves(x, mid, to, g, w * left);
            return Math.sin(s) + left * right;
        }
        return Math.sin(s);
    }

    @Test
    void sumsPassedOnAndRecursion() {
        double[] x = values(40);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 0.3;
        }
        double[] g = new double[x.length];
        halves(x, 0, x.length, g, 1);
        V.gradient("recursive halves", RunsTarget::recursive, x, g, ANALYTIC);
    }

    @Test
    void passiveTermsAndPassiveSums() {
        double[] x = values(300);
        V.gradient("partly passive", RunsTarget::partlyPassive, x, scaled(x, 2), ANALYTIC);
        double[] g = new double[x.length];
        g[0] = 612.5; // sum of i / 2 for i < 50
        V.gradient("a constant sum", RunsTarget::constantSum, x, g, ANALYTIC);
    }

    @Test
    void subtractedFromAnActiveStart() {
        double[] x = values(300);
        double[] g = scaled(x, -0.5);
        g[0] += x[1];
        g[1] += x[0];
        V.gradient("from an active start", RunsTarget::fromAnActiveStart, x, g, ANALYTIC);
    }

    @Test
    void elementAndFieldStoresInTheLoop() {
        double[] x = values(300);
        double[] g = scaled(x, 2);
        g[x.length - 1] += 2 * x[x.length - 1];
        V.gradient("with stores", RunsTarget::withStores, x, g, ANALYTIC);
    }

    @Test
    void fieldsOfObjectsReadInTheLoop() {
        double[] x = values(300);
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i += 2) {
            g[i] = x[i + 1];
            g[i + 1] = x[i];
        }
        V.gradient("fields of points", RunsTarget::fieldsOfPoints, x, g, ANALYTIC);
    }

    /** One sum written in several statements of one basic block (s += a; s += b;), and the shapes that are not one. */
    @Test
    void sumsInSeveralStatements() {
        double[] x = values(301);
        double[] g = new double[x.length];
        for (int i = 0; i + 1 < x.length; i += 2) {
            double t1 = x[i + 1] - x[i] * x[i];
            g[i] = -400 * t1 * x[i] - 2 * (1 - x[i]);
            g[i + 1] = 200 * t1;
        }
        V.gradient("Rosenbrock in two statements", RunsTarget::rosenbrockTwoStatements, x, g, ANALYTIC);
        for (int i = 0; i < x.length; i++) {
            g[i] = 2 * x[i] - 2;
        }
        V.gradient("three statements", RunsTarget::threeStatements, x, g, ANALYTIC);

        double[] y = values(40);
        int n = y.length;
        // s_i = (s_{i-1} + y_i)(1 + y_i): ds_i/dy_i = 1 + 2 y_i + s_{i-1}, ds_i/ds_{i-1} = 1 + y_i (a hand-written adjoint)
        double[] before = new double[n];
        double s = 1;
        for (int i = 0; i < n; i++) {
            before[i] = s;
            s = (s + y[i]) * (1 + y[i]);
        }
        double[] h = new double[n];
        double adj = 1;
        for (int i = n - 1; i >= 0; i--) {
            h[i] = adj * (1 + 2 * y[i] + before[i]);
            adj *= 1 + y[i];
        }
        V.gradient("read twice in the block", RunsTarget::readTwiceInTheBlock, y, h, ANALYTIC);
        // s_i = (s_{i-1} + y_i) / 2 + y_i: ds_n/dy_i = 1.5 * 0.5^(n-1-i)
        for (int i = 0; i < n; i++) {
            h[i] = 1.5 * Math.pow(0.5, n - 1 - i);
        }
        V.gradient("scaled between", RunsTarget::scaledBetween, y, h, ANALYTIC);
        // s + t = 2 s_{n-2} + y_{n-1}^2 + 2 y_{n-1}, s_i = s_{i-1} + y_i + y_i^2
        for (int i = 0; i < n; i++) {
            h[i] = i < n - 1 ? 2 * (1 + 2 * y[i]) : 2 + 2 * y[i];
        }
        V.gradient("read between", RunsTarget::readBetween, y, h, ANALYTIC);
    }

    /** Two sums in one loop, both runs (the second on the side tape), wherever they end. */
    @Test
    void twoSumsInOneLoop() {
        for (int n : new int[] {2, 4, 300, 200_002}) {
            double[] x = values(n);
            double[] g = new double[n];
            for (int i = 0; i + 1 < n; i += 2) {
                double t1 = x[i + 1] - x[i] * x[i];
                g[i] = -400 * t1 * x[i] - 2 * (1 - x[i]);
                g[i + 1] = 200 * t1;
            }
            if (n > 1000) { // reverse only (forward mode takes a pass per input): the side tape grows, nodes chain
                V.compare("Rosenbrock in two sums, n = " + n, g, Gradients.of(RunsTarget::rosenbrockTwoSums).at(x),
                        ANALYTIC);
            } else {
                V.gradient("Rosenbrock in two sums, n = " + n, RunsTarget::rosenbrockTwoSums, x, g, ANALYTIC);
            }
        }
        double[] x = values(300);
        int n = x.length;
        double f = 0, s = 0;
        for (int i = 0; i < 37; i++) {
            f += x[i] * x[i];
            s += 3 * x[i];
        }
        double[] g = new double[n];
        for (int i = 0; i < 37; i++) {
            g[i] = 2 * x[i] * s + 3 * f;
        }
        V.gradient("left by break", RunsTarget::twoSumsLeftByBreak, x, g, ANALYTIC);

        f = 0;
        s = 0;
        for (int i = 0; i < n; i++) {
            f += x[i] * x[i];
            s += 3 * x[i];
        }
        for (int i = 0; i < n; i++) {
            g[i] = 2 * x[i] * s + 3 * f + (i <= 5 ? 3 : 0);
        }
        V.gradient("one read in the loop", RunsTarget::twoSumsOneReadInTheLoop, x, g, ANALYTIC);

        double h = 1;
        for (int i = 8; i < n; i++) {
            h += 3 * x[i];
        }
        for (int i = 0; i < n; i++) {
            g[i] = 2 * x[i] * h + (i > 7 ? 3 * f : 0);
        }
        V.gradient("one overwritten", RunsTarget::twoSumsOneOverwritten, x, g, ANALYTIC);

        h = 0; // g = 3 (x_1 + ... + x_{n-1}); f over all n
        for (int i = 1; i < n; i++) {
            h += 3 * x[i];
        }
        for (int i = 0; i < n; i++) {
            g[i] = 2 * x[i] * h + (i >= 1 ? 3 * f : 0);
        }
        V.gradient("left by an exception", RunsTarget::twoSumsLeftByAnException, x, g, ANALYTIC);

        for (int i = 0; i < n; i++) {
            g[i] = 2 * x[i] * s + 3 * f + 3 * x[i] * x[i];
        }
        V.gradient("three sums", RunsTarget::threeSums, x, g, ANALYTIC);

        double f1 = 0, s1 = 0, p = 0, q = 0;
        for (int i = 0; i < n / 2; i++) {
            f1 += x[i] * x[i];
            s1 += 3 * x[i];
        }
        for (int i = 0; i < n; i++) {
            p += x[i];
            q += x[i] * x[i];
        }
        for (int i = 0; i < n; i++) {
            g[i] = (i < n / 2 ? 2 * x[i] * s1 + 3 * f1 : 0) + q + 2 * x[i] * p;
        }
        V.gradient("two pairs of sums", RunsTarget::twoPairsOfSums, x, g, ANALYTIC);

        double[] m = values(17 * 17);
        double[] gm = new double[m.length];
        for (int r = 0; r < 17; r++) {
            double rs = 0, rq = 0;
            for (int c = 0; c < 17; c++) {
                rs += m[r * 17 + c];
                rq += m[r * 17 + c] * m[r * 17 + c];
            }
            for (int c = 0; c < 17; c++) {
                gm[r * 17 + c] = rq + 2 * m[r * 17 + c] * rs;
            }
        }
        V.gradient("pairs restarted per row", RunsTarget::pairsRestartedPerRow, m, gm, ANALYTIC);
    }

    /** Up to four sums of one loop run (three on side tapes); five keep the usual path; a side run reads a newer node. */
    @Test
    void moreSumsInOneLoop() {
        double[] x = values(600);
        int n = x.length;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i + 1 < n; i += 2) {
            sx += x[i];
            sy += x[i + 1];
            sxx += x[i] * x[i];
            sxy += x[i] * x[i + 1];
        }
        double[] g = new double[n];
        for (int i = 0; i + 1 < n; i += 2) {
            g[i] = x[i + 1] * sxx + 2 * x[i] * sxy - sy;
            g[i + 1] = x[i] * sxx - sx;
        }
        V.gradient("regression sums", RunsTarget::regressionSums, x, g, ANALYTIC);

        double s = 0, q = 0, c = 0, d = 0, e = 0;
        for (double v : x) {
            s += v;
            q += v * v;
            c += v * v * v;
            d += 2 * v;
            e += 3 * v;
        }
        for (int i = 0; i < n; i++) {
            g[i] = q + 2 * x[i] * s + 3 * x[i] * x[i] * d * e + 2 * c * e + 3 * c * d;
        }
        V.gradient("five sums", RunsTarget::fiveSums, x, g, ANALYTIC);

        // q + s = S + 3 S^2 + 3 S with S = sum x: 4 + 6 S
        for (int i = 0; i < n; i++) {
            g[i] = 4 + 6 * s;
        }
        V.gradient("a side run reads a newer node", RunsTarget::sideRunReadsANewerNode, x, g, ANALYTIC);
    }

    /** Hessians record no runs (second order): f g with f = sum x^2, g = sum 3x, H = 2 g I + 6 (x 1^T + 1 x^T). */
    @Test
    void twoSumsHessian() {
        double[] x = values(6);
        double s = 0;
        for (double v : x) {
            s += 3 * v;
        }
        double[][] h = Gradients.hessian(RunsTarget::threeSums).at(x);
        for (int i = 0; i < x.length; i++) {
            double[] row = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                row[j] = (i == j ? 2 * s + 6 * x[i] : 0) + 6 * x[i] + 6 * x[j];
            }
            V.compare("three sums Hessian row " + i, row, h[i], ANALYTIC);
        }
    }
}
