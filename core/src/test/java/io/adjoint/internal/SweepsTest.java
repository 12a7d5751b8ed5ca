package io.adjoint.internal;

import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/** The tangent, adjoint and forward-over-reverse sweeps on tapes built directly with Ops calls. */
class SweepsTest {
    private static final MethodHandle SIN = Primitives.lookup("java/lang/Math", "sin", "(D)D");
    private static final MethodHandle EXP = Primitives.lookup("java/lang/Math", "exp", "(D)D");
    private static final MethodHandle POW = Primitives.lookup("java/lang/Math", "pow", "(DD)D");
    private static final MethodHandle HYPOT = Primitives.lookup("java/lang/Math", "hypot", "(DD)D");
    private static final MethodHandle FMA = Primitives.lookup("java/lang/Math", "fma", "(DDD)D");

    private static final double[] X = {0.7, -1.3, 2.1, 0.4, 1.9, -0.6, 1.4, 2.6, -0.9, 0.35, 0.8};
    private static final int N = X.length; // 11: one full block of 8 and a partial one
    private static final int M = 8;

    /**
     * Records the test function on {@code t}: inputs are nodes 0..10, returns the 8 output slots. Some
     * nodes are recorded after the outputs, so that the sweeps must skip them.
     */
    private static long[] record(Tape t) throws Throwable {
        long[] x = Ops.seed(X.clone(), t);
        long[] y = new long[M];
        y[0] = Ops.add(Ops.mul(x[0], x[1], t), (long) SIN.invokeExact(x[2], t), t);
        y[1] = Ops.sub(Ops.div(x[3], x[4], t), x[5], t);
        y[2] = (long) POW.invokeExact(x[6], x[7], t);
        y[3] = (long) FMA.invokeExact(Ops.mul(x[8], x[8], t), x[9], x[5], t); // x8 fans out into both factors
        long sum = x[0];
        for (int i = 1; i < N; i++) {
            sum = Ops.add(sum, x[i], t);
        }
        y[4] = Ops.add(Ops.mul((long) EXP.invokeExact(x[10], t), x[0], t), sum, t);
        y[5] = Slot.passive(3.0); // a constant output
        y[6] = x[0];              // an input as output
        y[7] = y[0];              // two outputs sharing one node
        Ops.mul(y[4], Ops.mul(y[2], y[3], t), t); // recorded after every output
        return y;
    }

    /** The Jacobian of {@link #record}, by hand. */
    private static double[][] handJacobian() {
        double[] x = X;
        double[][] j = new double[M][N];
        j[0][0] = x[1];
        j[0][1] = x[0];
        j[0][2] = Math.cos(x[2]);
        j[1][3] = 1 / x[4];
        j[1][4] = -x[3] / (x[4] * x[4]);
        j[1][5] = -1;
        j[2][6] = x[7] * Math.pow(x[6], x[7] - 1);
        j[2][7] = Math.pow(x[6], x[7]) * Math.log(x[6]);
        j[3][8] = 2 * x[8] * x[9];
        j[3][9] = x[8] * x[8];
        j[3][5] = 1;
        for (int i = 0; i < N; i++) {
            j[4][i] = 1;
        }
        j[4][0] += Math.exp(x[10]);
        j[4][10] += Math.exp(x[10]) * x[0];
        j[6][0] = 1;
        j[7] = j[0].clone();
        return j;
    }

    static void assertClose(double expected, double actual, double relTol, String what) {
        if (!(Math.abs(expected - actual) <= relTol * Math.max(1.0, Math.abs(expected)))) {
            fail(what + ": expected " + expected + " but was " + actual);
        }
    }

    static void assertClose(double[][] expected, double[][] actual, double relTol, String what) {
        assertEquals(expected.length, actual.length, what + " rows");
        for (int r = 0; r < expected.length; r++) {
            assertEquals(expected[r].length, actual[r].length, what + " columns");
            for (int c = 0; c < expected[r].length; c++) {
                assertClose(expected[r][c], actual[r][c], relTol, what + " [" + r + "][" + c + "]");
            }
        }
    }

    private static double[] unitBlock(int n, int b, int k) {
        double[] seed = new double[n * k];
        for (int d = 0; d < k && b + d < n; d++) {
            seed[(b + d) * k + d] = 1.0;
        }
        return seed;
    }

    private static double[][] forwardJacobian(Tape t, long[] out, int k) {
        double[][] j = new double[out.length][N];
        for (int b = 0; b < N; b += k) {
            double[] dot = Sweeps.tangents(t, N, unitBlock(N, b, k), k, out);
            for (int r = 0; r < out.length; r++) {
                for (int d = 0; d < k && b + d < N; d++) {
                    j[r][b + d] = dot[r * k + d];
                }
            }
        }
        return j;
    }

    private static double[][] reverseJacobian(Tape t, long[] out, int k) {
        double[][] j = new double[out.length][N];
        for (int b = 0; b < out.length; b += k) {
            double[] bar = Sweeps.adjoints(t, out, unitBlock(out.length, b, k), k, N);
            for (int d = 0; d < k && b + d < out.length; d++) {
                for (int i = 0; i < N; i++) {
                    j[b + d][i] = bar[i * k + d];
                }
            }
        }
        return j;
    }

    @Test
    void forwardAndReverseJacobiansAgreeWithTheHandJacobianForEveryBlockWidth() throws Throwable {
        Tape t = Tape.open();
        try {
            long[] out = record(t);
            double[][] hand = handJacobian();
            for (int k : new int[] {1, 3, 8, 16}) {
                assertClose(hand, forwardJacobian(t, out, k), 1e-14, "forward k=" + k);
                assertClose(hand, reverseJacobian(t, out, k), 1e-14, "reverse k=" + k);
            }
        } finally {
            t.close();
        }
    }

    @Test
    void sweepsKeepThePrimalValues() throws Throwable {
        Tape t = Tape.open();
        try {
            long[] out = record(t);
            double before = t.primal(out[4]);
            reverseJacobian(t, out, 8);
            forwardJacobian(t, out, 8);
            assertEquals(before, t.primal(out[4]));
            assertEquals(Math.exp(X[10]) * X[0] + java.util.Arrays.stream(X).sum(), before, 1e-14);
        } finally {
            t.close();
        }
    }

    @Test
    void directionalProductsMatchTheJacobian() throws Throwable {
        Random rnd = new Random(7);
        double[] v = rnd.doubles(N, -1, 1).toArray();
        double[] u = rnd.doubles(M, -1, 1).toArray();
        double[][] j = handJacobian();
        Tape t = Tape.open();
        try {
            long[] out = record(t);
            double[] jv = Sweeps.tangents(t, N, v, 1, out);
            double[] uj = Sweeps.adjoints(t, out, u, 1, N);
            for (int r = 0; r < M; r++) {
                double s = 0;
                for (int i = 0; i < N; i++) {
                    s += j[r][i] * v[i];
                }
                assertClose(s, jv[r], 1e-14, "(J v)_" + r);
            }
            for (int i = 0; i < N; i++) {
                double s = 0;
                for (int r = 0; r < M; r++) {
                    s += u[r] * j[r][i];
                }
                assertClose(s, uj[i], 1e-14, "(u^T J)_" + i);
            }
        } finally {
            t.close();
        }
    }

    @Test
    void forwardGradientEqualsTheDestructiveReverseSweep() throws Throwable {
        Tape t = Tape.open();
        try {
            long[] out = record(t);
            long y = Ops.mul(out[4], Ops.mul(out[2], out[3], t), t);
            double[][] fwd = forwardJacobian(t, new long[] {y}, 8);
            double[] rev = t.gradient(y, N);
            for (int i = 0; i < N; i++) {
                assertClose(rev[i], fwd[0][i], 1e-14, "d/dx" + i);
            }
        } finally {
            t.close();
        }
    }

    @Test
    void allPassiveOutputsGiveZeros() {
        Tape t = Tape.open();
        try {
            Ops.seed(X.clone(), t);
            long[] out = {Slot.passive(1.0), Slot.passive(2.0)};
            assertArrayEquals(new double[2 * 8], Sweeps.tangents(t, N, unitBlock(N, 0, 8), 8, out));
            assertArrayEquals(new double[N * 2], Sweeps.adjoints(t, out, new double[] {1, 0, 0, 1}, 2, N));
        } finally {
            t.close();
        }
    }

    @Test
    void inputsReturnedAsOutputsGiveUnitRows() {
        Tape t = Tape.open();
        try {
            long[] x = Ops.seed(X.clone(), t);
            long[] out = {x[2], x[0]}; // the highest output node is below the last input
            double[] expected = new double[N * 2];
            expected[2 * 2] = 1;
            expected[0 * 2 + 1] = 1;
            assertArrayEquals(expected, Sweeps.adjoints(t, out, new double[] {1, 0, 0, 1}, 2, N));
            double[][] fwd = forwardJacobian(t, out, 8);
            assertArrayEquals(new double[] {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, fwd[0]);
            assertArrayEquals(new double[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, fwd[1]);
        } finally {
            t.close();
        }
    }

    // ---- second order -------------------------------------------------------------------------------

    private static final double[] Z = {0.7, -1.3, 1.6, 0.4, 1.9};

    /**
     * f = x0 x1 x2 + sin(x0) / x1 + x2^x2 + hypot(x0, x3) + fma(x1, x3, x4) on a second-order tape, followed by a
     * node with curvature recorded after the output.
     */
    private static long recordSecondOrder(Tape t) throws Throwable {
        long[] x = Ops.seed(Z.clone(), t);
        long f = Ops.mul(Ops.mul(x[0], x[1], t), x[2], t);
        f = Ops.add(f, Ops.div((long) SIN.invokeExact(x[0], t), x[1], t), t);
        f = Ops.add(f, (long) POW.invokeExact(x[2], x[2], t), t);
        f = Ops.add(f, (long) HYPOT.invokeExact(x[0], x[3], t), t);
        f = Ops.add(f, (long) FMA.invokeExact(x[1], x[3], x[4], t), t);
        Ops.mul(f, Ops.div(x[0], x[3], t), t); // after the output
        return f;
    }

    private static double[][] handHessian() {
        double x0 = Z[0], x1 = Z[1], x2 = Z[2], x3 = Z[3];
        double[][] h = new double[5][5];
        // x0 x1 x2
        h[0][1] += x2;
        h[0][2] += x1;
        h[1][2] += x0;
        // sin(x0) / x1
        h[0][0] += -Math.sin(x0) / x1;
        h[0][1] += -Math.cos(x0) / (x1 * x1);
        h[1][1] += 2 * Math.sin(x0) / (x1 * x1 * x1);
        // x2^x2
        h[2][2] += Math.pow(x2, x2) * (Math.pow(Math.log(x2) + 1, 2) + 1 / x2);
        // hypot(x0, x3)
        double r3 = Math.pow(x0 * x0 + x3 * x3, 1.5);
        h[0][0] += x3 * x3 / r3;
        h[0][3] += -x0 * x3 / r3;
        h[3][3] += x0 * x0 / r3;
        // fma(x1, x3, x4)
        h[1][3] += 1;
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < i; j++) {
                h[i][j] = h[j][i];
            }
        }
        return h;
    }

    @Test
    void forwardOverReverseGivesTheHandHessianForEveryBlockWidth() throws Throwable {
        Tape t = Tape.open(true);
        try {
            long f = recordSecondOrder(t);
            double[] adj = Sweeps.adjoint(t, f);
            double[][] hand = handHessian();
            for (int k : new int[] {1, 2, 5, 8}) {
                double[][] h = new double[5][5];
                for (int b = 0; b < 5; b += k) {
                    double[] hv = Sweeps.hessianTimes(t, adj, f, 5, unitBlock(5, b, k), k);
                    for (int i = 0; i < 5; i++) {
                        for (int d = 0; d < k && b + d < 5; d++) {
                            h[i][b + d] = hv[i * k + d];
                        }
                    }
                }
                assertClose(hand, h, 1e-12, "Hessian k=" + k);
            }
        } finally {
            t.close();
        }
    }

    @Test
    void hessianTimesAVectorIsTheHandHessianTimesIt() throws Throwable {
        double[] v = {0.3, -1.2, 0.8, 2.0, -0.5};
        double[][] hand = handHessian();
        Tape t = Tape.open(true);
        try {
            long f = recordSecondOrder(t);
            double[] hv = Sweeps.hessianTimes(t, Sweeps.adjoint(t, f), f, 5, v, 1);
            for (int i = 0; i < 5; i++) {
                double s = 0;
                for (int j = 0; j < 5; j++) {
                    s += hand[i][j] * v[j];
                }
                assertClose(s, hv[i], 1e-12, "(H v)_" + i);
            }
        } finally {
            t.close();
        }
    }

    /**
     * Sweeps.hvp (one reverse sweep carrying the adjoints and their tangents) against the hand Hessian times v, and to
     * the last bit against the two-pass path it replaces (adjoint, then hessianTimes): also on a recording where nodes
     * pass contributions to the node just below them (x * x, a chain of sums: Tape.sweep's carry), and for a v that
     * leaves some tangents at zero.
     */
    @Test
    void theOnePassHessianVectorProductIsTheTwoPassOne() throws Throwable {
        double[][] hand = handHessian();
        double[][] vs = {{0.3, -1.2, 0.8, 2.0, -0.5}, {0, 1, 0, 0, 0}, {0, 0, 0, 0, 0}, {1e-300, 3, -7, 0, 1e10}};
        for (double[] v : vs) {
            Tape t = Tape.open(true);
            try {
                long f = recordSecondOrder(t);
                double[] hv = Sweeps.hvp(t, f, 5, v);
                for (int i = 0; i < 5; i++) {
                    double s = 0;
                    for (int j = 0; j < 5; j++) {
                        s += hand[i][j] * v[j];
                    }
                    assertClose(s, hv[i], 1e-12, "(H v)_" + i);
                }
                assertArrayEquals(Sweeps.hessianTimes(t, Sweeps.adjoint(t, f), f, 5, v.clone(), 1), hv);
            } finally {
                t.close();
            }
        }
        Tape t = Tape.open(true);
        try { // f = sum_i (x_i * x_i) * x_{i+1}, summed node after node: most contributions go to the node just below
            double[] z = {0.7, -1.3, 2.1, 0.4, -0.9, 1.6};
            long[] x = Ops.seed(z.clone(), t);
            long f = Slot.passive(0.0);
            for (int i = 0; i + 1 < z.length; i++) {
                long sq = Ops.mul(x[i], x[i], t);
                f = Ops.add(f, Ops.mul(sq, x[i + 1], t), t);
            }
            double[] v = {1.5, -0.25, 0.5, 3.0, -2.0, 0.125};
            double[] hv = Sweeps.hvp(t, f, z.length, v);
            assertArrayEquals(Sweeps.hessianTimes(t, Sweeps.adjoint(t, f), f, z.length, v.clone(), 1), hv);
            for (int i = 0; i < z.length; i++) { // by hand: d2/dxi2 = 2 x_{i+1}, d2/dxi dx_{i+1} = 2 x_i
                double s = 0;
                if (i + 1 < z.length) {
                    s += 2 * z[i + 1] * v[i] + 2 * z[i] * v[i + 1];
                }
                if (i > 0) {
                    s += 2 * z[i - 1] * v[i - 1];
                }
                assertClose(s, hv[i], 1e-14, "(H v)_" + i + " of the chain");
            }
        } finally {
            t.close();
        }
        // w = (y * y) * (y + 0.3), y = x * x: y * y passes two contributions to y, the node just below it, after y + 0.3
        // passed one (Tape.sweep's carry: a + (c + c), not (a + c) + c), and y's adjoint counts in y's curvature
        int differ = 0;
        for (int k = 1; k <= 40; k++) {
            double x0 = 0.037 * k - 0.71;
            Tape u = Tape.open(true);
            try {
                long[] x = Ops.seed(new double[] {x0}, u);
                long y = Ops.mul(x[0], x[0], u);
                long z = Ops.mul(y, y, u);
                long w = Ops.mul(z, Ops.add(y, Slot.passive(0.3), u), u);
                double[] hv = Sweeps.hvp(u, w, 1, new double[] {1.0});
                assertArrayEquals(Sweeps.hessianTimes(u, Sweeps.adjoint(u, w), w, 1, new double[] {1.0}, 1), hv,
                        "x = " + x0);
                double x2 = x0 * x0; // w = x^6 + 0.3 x^4
                assertClose(30 * x2 * x2 + 3.6 * x2, hv[0], 1e-13, "d2/dx2 at " + x0);
                double yv = x0 * x0, a = yv * yv, c = yv * (yv + 0.3);
                differ += a + (c + c) != (a + c) + c ? 1 : 0;
            } finally {
                u.close();
            }
        }
        assertTrue(differ > 0, "some points where the order of the sum shows");
    }

    @Test
    void theAdjointOfASecondOrderRecordingIsTheGradient() throws Throwable {
        double x0 = Z[0], x1 = Z[1], x2 = Z[2], x3 = Z[3];
        double r = Math.hypot(x0, x3);
        double[] hand = {
                x1 * x2 + Math.cos(x0) / x1 + x0 / r,
                x0 * x2 - Math.sin(x0) / (x1 * x1) + x3,
                x0 * x1 + Math.pow(x2, x2) * (Math.log(x2) + 1),
                x3 / r + x1,
                1};
        Tape t = Tape.open(true);
        try {
            double[] adj = Sweeps.adjoint(t, recordSecondOrder(t));
            for (int i = 0; i < 5; i++) {
                assertClose(hand[i], adj[i], 1e-14, "df/dx" + i);
            }
        } finally {
            t.close();
        }
    }

    /** A branch multiplied by zero contributes nothing, even where its own derivatives are infinite. */
    @Test
    void deadBranchesWithInfiniteDerivativesDoNotPoisonTheHessian() throws Throwable {
        MethodHandle sqrt = Primitives.lookup("java/lang/Math", "sqrt", "(D)D");
        Tape t = Tape.open(true);
        try {
            long[] x = Ops.seed(new double[] {1.5, 0.0}, t);
            long dead = Ops.mul((long) sqrt.invokeExact(x[1], t), Slot.passive(0.0), t);
            long f = Ops.add(Ops.mul(x[0], x[0], t), dead, t);
            double[] adj = Sweeps.adjoint(t, f);
            double[] h = Sweeps.hessianTimes(t, adj, f, 2, unitBlock(2, 0, 2), 2);
            assertArrayEquals(new double[] {2, 0, 0, 0}, h);
            assertArrayEquals(new double[] {2, 0}, Sweeps.hvp(t, f, 2, new double[] {1, 0}), "hvp, first column");
            assertArrayEquals(new double[] {0, 0}, Sweeps.hvp(t, f, 2, new double[] {0, 1}), "hvp, second column");
            assertArrayEquals(new double[] {3, 0}, Sweeps.adjoints(t, new long[] {f}, new double[] {1}, 1, 2),
                    "the vector adjoint sweep skips it like the first-order one");
            assertArrayEquals(new double[] {3, 0}, new double[] {adj[0], adj[1]});
        } finally {
            t.close();
        }
    }
    /**
     * Gradients.hessianAt keeps a detached copy: it holds the recording (trimmed) but not the thread's pool of tapes
     * nor its entry state, sweeps over it as over the original, and the thread's tape records on as before.
     */
    @Test
    void aDetachedCopySweepsLikeTheRecordingAndHoldsNothingOfTheThread() throws Throwable {
        Tape t = Tape.open(true);
        try {
            long[] x = Ops.seed(new double[] {0.7, -1.3, 2.1}, t);
            long y = Ops.mul(Ops.mul(x[0], x[1], t), (long) SIN.invokeExact(x[2], t), t);
            Tape d = t.detached();
            assertNull(d.pool);
            assertNull(d.entryState);
            assertEquals(t.size(), d.size());
            assertEquals(t.size(), d.value.length); // trimmed
            double[] v = {0.3, 0.5, -0.2};
            double[] adj = Sweeps.adjoint(t, y);
            assertArrayEquals(adj, Sweeps.adjoint(d, y));
            double[] out = new double[3];
            Sweeps.hvp(d, Sweeps.adjoint(d, y), y, 3, v, out);
            assertArrayEquals(Sweeps.hvp(t, y, 3, v), out);
            // by hand: f = x0 x1 sin x2
            double s = Math.sin(2.1), c = Math.cos(2.1);
            double[] hand = {s * v[1] + -1.3 * c * v[2], s * v[0] + 0.7 * c * v[2],
                    -1.3 * c * v[0] + 0.7 * c * v[1] - 0.7 * -1.3 * s * v[2]};
            for (int i = 0; i < 3; i++) {
                assertEquals(hand[i], out[i], 1e-14, "H v [" + i + "]");
            }
        } finally {
            t.close();
        }
    }
}
