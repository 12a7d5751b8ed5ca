package io.adjoint.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Tape#endAccumulate}: a loop-carried sum extends the node of its accumulator instead of making a node per
 * iteration, only when that is exact: the accumulator is the last node, the caller owns it, it is active and not an
 * input, the node stays within {@link Tape#MAX_ARITY} arguments, and no second derivatives are recorded. Each case
 * checks the tape's shape (how many nodes, which arities) and the gradient against the hand-derived one, in the
 * reverse sweep, the forward and vector sweeps and the partial sweep of report=.
 */
class AccumulateTest {
    private static final double[] X = {0.7, -1.3, 2.1, 0.4, -0.2, 1.1};

    /** What the twin of {@code s += x[i] * x[i]} does for one iteration: returns the new sum's slot. */
    private static long accumulate(Tape t, long s, int owned, long x) {
        double v = t.primal(s) + t.primal(x) * t.primal(x);
        t.begin(2);
        t.arg(x, 2 * t.primal(x));
        return t.endAccumulate(v, s, owned);
    }

    private static long[] inputs(Tape t, double[] x) {
        long[] s = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = t.input(x[i]);
        }
        return s;
    }

    private static double[] twice(double[] x) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            g[i] = 2 * x[i];
        }
        return g;
    }

    private static double sumOfSquares(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return s;
    }

    /** The gradient of {@code out} by every sweep that reads first-order tapes, each against {@code expected}. */
    private static void gradientsAre(double[] expected, Tape t, long out, long[] in, String what) {
        int n = in.length;
        assertArrayEquals(expected, t.gradientSince(out, in, 0), 1e-15, what + ": partial sweep (report=)");
        double[] seed = new double[n * n];
        for (int i = 0; i < n; i++) {
            seed[i * n + i] = 1;
        }
        assertArrayEquals(expected, Sweeps.tangents(t, n, seed, n, new long[] {out}), 1e-15, what + ": tangents");
        assertArrayEquals(expected, Sweeps.adjoints(t, new long[] {out}, new double[] {1}, 1, n), 1e-15,
                what + ": vector adjoints");
        assertArrayEquals(expected, t.gradient(out, n), 1e-15, what + ": reverse sweep");
    }

    @Test
    void aLoopIsOneNode() {
        Tape t = Tape.open();
        try {
            long[] x = inputs(t, X);
            long s = Slot.passive(0.0);
            int owned = -1;
            for (long xi : x) {
                s = accumulate(t, s, owned, xi);
                owned = Tape.owner(s);
            }
            assertEquals(X.length + 1, t.size(), "one node for the whole loop");
            assertEquals(X.length, t.arity[X.length], "an argument per iteration, none for the sum");
            assertEquals(sumOfSquares(X), t.primal(s), 1e-15, "the node's value is the latest sum");
            gradientsAre(twice(X), t, s, x, "one node");
        } finally {
            t.close();
        }
    }

    @Test
    void notReopenedWhenAnotherNodeCameAfterIt() {
        Tape t = Tape.open();
        try {
            long[] x = inputs(t, X);
            long s = Slot.passive(0.0);
            int owned = -1;
            long other = Slot.passive(0.0);
            for (long xi : x) {
                s = accumulate(t, s, owned, xi);
                owned = Tape.owner(s);
                other = Ops.mul(xi, x[0], t); // another node between two iterations
            }
            assertEquals(X.length + 2 * X.length, t.size(), "a node per iteration");
            for (int i = 1; i < X.length; i++) {
                assertEquals(2, t.arity[X.length + 2 * i], "the previous sum and x[i]");
            }
            gradientsAre(twice(X), t, s, x, "interleaved");
            double[] g = new double[X.length]; // other = x5 * x0
            g[0] = X[5];
            g[5] = X[0];
            assertArrayEquals(g, t.gradient(other, X.length), 1e-15, "the other nodes are untouched");
        } finally {
            t.close();
        }
    }

    @Test
    void notReopenedWhenTheCallerDoesNotOwnIt() {
        Tape t = Tape.open();
        try {
            long[] x = inputs(t, X);
            long s = Slot.passive(0.0);
            long copy = Slot.passive(0.0);
            for (int i = 0; i < x.length; i++) {
                // owned -1: the accumulator was read elsewhere (here: copied) since its node was made
                s = accumulate(t, s, -1, x[i]);
                if (i == 2) {
                    copy = s;
                }
            }
            assertEquals(2 * X.length, t.size(), "a node per iteration");
            assertEquals(sumOfSquares(java.util.Arrays.copyOf(X, 3)), t.primal(copy), 1e-15, "the copy keeps its value");
            gradientsAre(twice(X), t, s, x, "not owned");
            double[] g = twice(X);
            java.util.Arrays.fill(g, 3, g.length, 0.0);
            assertArrayEquals(g, t.gradient(copy, X.length), 1e-15, "the copy keeps its derivative");
        } finally {
            t.close();
        }
    }

    @Test
    void notReopenedWhenTheOwnedNodeIsNotTheAccumulators() {
        Tape t = Tape.open();
        try {
            long[] x = inputs(t, X);
            long s = accumulate(t, Slot.passive(0.0), -1, x[0]);
            long u = accumulate(t, Slot.passive(0.0), -1, x[1]); // the last node, owned by another site
            long r = accumulate(t, s, Tape.owner(u), x[2]);       // s is not the last node; u is not s
            assertEquals(X.length + 3, t.size());
            long v = accumulate(t, u, Tape.owner(s), x[3]);     // u is no longer last either
            assertEquals(X.length + 4, t.size());
            double[] g = new double[X.length];
            g[0] = 2 * X[0];
            g[2] = 2 * X[2];
            gradientsAre(g, t, r, x, "other owner");
            g = new double[X.length];
            g[1] = 2 * X[1];
            g[3] = 2 * X[3];
            gradientsAre(g, t, v, x, "other owner, other way");
        } finally {
            t.close();
        }
    }

    @Test
    void aNodeHasAtMost127Arguments() {
        double[] xs = new double[300];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Math.sin(i + 1.0);
        }
        for (int perIteration : new int[] {1, 2}) {
            Tape t = Tape.open();
            try {
                long[] x = inputs(t, xs);
                long s = Slot.passive(0.0);
                int owned = -1;
                double v = 0;
                for (int i = 0; i + perIteration <= x.length; i += perIteration) { // s += x[i]^2 (+ x[i+1]^2)
                    double term = 0;
                    for (int j = 0; j < perIteration; j++) {
                        term += xs[i + j] * xs[i + j];
                    }
                    v = v + term;
                    t.begin(perIteration + 1);
                    for (int j = 0; j < perIteration; j++) {
                        t.arg(x[i + j], 2 * xs[i + j]);
                    }
                    s = t.endAccumulate(v, s, owned);
                    owned = Tape.owner(s);
                }
                int max = 0;
                for (int i = xs.length; i < t.size(); i++) {
                    max = Math.max(max, t.arity[i]);
                }
                assertEquals(Tape.MAX_ARITY, max, perIteration + " per iteration: nodes are filled up to the cap");
                // 300 arguments at 127 per node, each new node with the previous sum as an argument: 3 nodes
                assertEquals(xs.length + 3, t.size(), perIteration + " per iteration");
                gradientsAre(twice(xs), t, s, x, perIteration + " per iteration, past the cap");
            } finally {
                t.close();
            }
        }
    }

    @Test
    void aPassiveAccumulatorIsAnOrdinaryOperand() {
        Tape t = Tape.open();
        try {
            long[] x = inputs(t, X);
            long last = Ops.mul(x[0], x[1], t);
            // the last node is named as owned, but the accumulator holds a passive value whose low bits are that
            // node's index (3.0000000000000027)
            double three = Double.longBitsToDouble(Double.doubleToRawLongBits(3.0) | Tape.owner(last));
            long s = accumulate(t, Slot.passive(three), Tape.owner(last), x[2]);
            assertEquals(X.length + 2, t.size());
            assertEquals(2, t.arity[X.length], "x0 * x1 keeps its arguments");
            assertEquals(three + X[2] * X[2], t.primal(s), 0.0);
            assertEquals(X[0] * X[1], t.primal(last), 0.0, "x0 * x1 keeps its value");
            double[] g = new double[X.length];
            g[2] = 2 * X[2];
            gradientsAre(g, t, s, x, "passive accumulator");
        } finally {
            t.close();
        }
    }

    @Test
    void anInputIsNeverReopened() {
        Tape t = Tape.open();
        try {
            long[] x = inputs(t, X);
            long last = x[x.length - 1];
            long s = accumulate(t, last, Tape.owner(last), x[0]); // s = x5 + x0^2
            assertEquals(X.length + 1, t.size());
            assertEquals(0, t.arity[X.length - 1], "the input has no arguments");
            assertEquals(X[X.length - 1], t.primal(last), 0.0, "nor another value");
            double[] g = new double[X.length];
            g[0] = 2 * X[0];
            g[X.length - 1] = 1;
            gradientsAre(g, t, s, x, "input accumulator");
        } finally {
            t.close();
        }
    }

    @Test
    void onlyTheNodeOfTheLastAccumulationIsExtended() {
        Tape t = Tape.open();
        try {
            long[] x = inputs(t, X);
            long s = accumulate(t, Slot.passive(0.0), -1, x[0]);
            long p = Ops.mul(x[1], x[2], t); // the last node now, but no accumulation made it
            long r = accumulate(t, p, Tape.owner(p), x[3]); // r = x1 x2 + x3^2
            assertEquals(X.length + 3, t.size(), "x1 * x2 is not extended");
            assertEquals(2, t.arity[X.length + 1], "x1 * x2 keeps its arguments");
            double[] g = new double[X.length];
            g[1] = X[2];
            g[2] = X[1];
            g[3] = 2 * X[3];
            gradientsAre(g, t, r, x, "not the last accumulation's node");
            g = new double[X.length];
            g[0] = 2 * X[0];
            gradientsAre(g, t, s, x, "the first sum");
        } finally {
            t.close();
        }
    }

    @Test
    void aNewRecordingForgetsTheLastAccumulation() {
        Tape t = Tape.open();
        try {
            long[] x = inputs(t, X);
            accumulate(t, Slot.passive(0.0), -1, x[0]); // node X.length, arity 1
        } finally {
            t.close();
        }
        t = Tape.open();
        try {
            long[] x = inputs(t, X);
            long p = Ops.mul(x[1], x[2], t); // node X.length again, arity 2
            long r = accumulate(t, p, Tape.owner(p), x[3]);
            assertEquals(X.length + 2, t.size(), "a node of its own");
            double[] g = new double[X.length];
            g[1] = X[2];
            g[2] = X[1];
            g[3] = 2 * X[3];
            gradientsAre(g, t, r, x, "after another recording");
        } finally {
            t.close();
        }
    }

    @Test
    void secondOrderRecordingsMakeANodePerIteration() {
        Tape t = Tape.open(true);
        try {
            long[] x = inputs(t, X);
            long s = Slot.passive(0.0);
            int owned = -1;
            for (long xi : x) {
                s = accumulate(t, s, owned, xi);
                owned = Tape.owner(s);
            }
            assertEquals(2 * X.length, t.size(), "curvature records name nodes: none is reopened");
            gradientsAre(twice(X), t, s, x, "second order");
        } finally {
            t.close();
        }
    }
}
