package io.adjoint.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Accumulation runs ({@link Tape#runOpen}, {@link Tape#runArg}, {@link Tape#runEnd}), driven here as the twin code of
 * agent twin/AccumulationRuns drives them for {@code s += x[i] * x[i]}: one node per run with the sum it started from
 * as first argument, nothing on the tape until the run ends, a passive result for a run without active arguments, no
 * run while second derivatives are recorded. Gradients against the hand-derived ones; the generated code:
 * agent TwinGeneratorTest, the derivatives of compiled programs: it-tests AccumulationRunsTest.
 */
class RunTest {
    private static final double[] X = {0.7, -1.3, 2.1, 0.4, -0.2, 1.1};

    private static long[] inputs(Tape t, double[] x) {
        long[] s = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = t.input(x[i]);
        }
        return s;
    }

    @Test
    void aRunIsOneNodeWrittenWhenItEnds() {
        Tape t = Tape.open();
        try {
            long[] x = inputs(t, X);
            long start = Ops.mul(x[0], x[1], t); // an active sum to start from
            int nodes = t.size();
            int cursor = t.runOpen(start);
            int open = t.runFrom();
            double sum = t.runValue();
            assertEquals(X[0] * X[1], sum, "the run starts from the sum's value");
            assertEquals(open + 1, cursor, "the active sum is the first argument");
            for (long xi : x) {
                double v = t.primal(xi);
                cursor = t.runArg(cursor, xi, 2 * v);
                sum += v * v;
            }
            assertEquals(nodes, t.size(), "nothing on the tape while the run is open");
            long s = t.runEnd(open, cursor, sum);
            assertEquals(nodes + 1, t.size(), "one node for the run");
            assertEquals(X.length + 1, t.arity[nodes]);
            double[] g = t.gradient(s, X.length);
            for (int i = 0; i < X.length; i++) {
                double expected = 2 * X[i] + (i == 0 ? X[1] : i == 1 ? X[0] : 0);
                assertEquals(expected, g[i], 1e-15, "d/dx" + i);
            }
        } finally {
            t.close();
        }
    }

    @Test
    void passiveArgumentsAreSkippedAndARunOfNoneIsPassive() {
        Tape t = Tape.open();
        try {
            inputs(t, X);
            int nodes = t.size();
            int cursor = t.runOpen(Slot.passive(2.5));
            int open = t.runFrom();
            assertEquals(open, cursor, "a passive start is no argument");
            assertEquals(2.5, t.runValue());
            cursor = t.runArg(cursor, Slot.passive(3.0), 7.0);
            long s = t.runEnd(open, cursor, 5.5);
            assertTrue(Slot.isPassive(s), "no active argument: a constant");
            assertEquals(5.5, Slot.value(s));
            assertEquals(nodes, t.size());
        } finally {
            t.close();
        }
    }

    @Test
    void anAbandonedRunLeavesNoTrace() {
        Tape t = Tape.open();
        try {
            long[] x = inputs(t, X);
            int cursor = t.runOpen(Slot.passive(0.0));
            for (long xi : x) {
                cursor = t.runArg(cursor, xi, 99.0); // never ended: the twin's local was overwritten
            }
            long y = Ops.mul(x[2], x[3], t); // the next operation takes the arguments' place
            assertArrayEquals(new double[] {0, 0, X[3], X[2], 0, 0}, t.gradient(y, X.length), 0.0);
        } finally {
            t.close();
        }
    }

    @Test
    void aRunStartsWithRoomForAFullNodeAsTheTapeGrows() {
        Tape t = Tape.open();
        try {
            double[] values = new double[5000];
            java.util.Arrays.fill(values, 1.5);
            long[] x = inputs(t, values);
            long s = Slot.passive(0.0);
            int i = 0;
            while (i < x.length) { // what the twin does: a new run (the old node its first argument) when full
                int cursor = t.runOpen(s);
                int open = t.runFrom();
                double sum = t.runValue();
                for (; i < x.length && cursor - open <= Tape.MAX_ARITY - 1; i++) {
                    cursor = t.runArg(cursor, x[i], i);
                    sum += 1.5 * i;
                }
                s = t.runEnd(open, cursor, sum);
            }
            double[] g = t.gradient(s, x.length);
            for (int k = 0; k < x.length; k++) {
                assertEquals(k, g[k], 0.0, "d/dx" + k);
            }
        } finally {
            t.close();
        }
    }

    @Test
    void noRunWhileSecondDerivativesAreRecorded() {
        Tape t = Tape.open(true);
        try {
            long x = t.input(1.0);
            assertEquals(-1, t.runOpen(x));
        } finally {
            t.close();
        }
    }

    /**
     * A side run (a second sum open in the same loop, Tape.sideOpen): its arguments go to the side tape while a run is
     * open at the tape's cursor, and become nodes of at most MAX_ARITY arguments, chained, where it ends (after the run).
     */
    @Test
    void aSideRunBesideARunBecomesChainedNodesWhereItEnds() {
        int n = 300; // past two nodes' worth of arguments
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = Math.sin(0.3 * i + 0.1);
        }
        Tape t = Tape.open();
        try {
            long[] x = inputs(t, xs);
            long start = Ops.mul(x[0], x[1], t); // q starts from an active value
            int nodes = t.size();
            int cursor = t.runOpen(Slot.passive(0)); // s = sum x^2, at the tape's cursor
            int open = t.runFrom();
            double s = t.runValue();
            Tape side = t.sideOpen(start, 0);           // q = x0 x1 + sum 3 x, on the side tape
            int sideCursor = side.runFrom();
            int sideOpen = 0;
            double q = side.runValue();
            assertEquals(1, sideCursor, "the active start is the side run's first argument");
            for (int i = 0; i < n; i++) {
                if (cursor - open > Tape.MAX_ARITY - 1) { // as the twin's site code does
                    long node = t.runEnd(open, cursor, s);
                    cursor = t.runOpen(node);
                    open = t.runFrom();
                }
                if (sideCursor - sideOpen > Tape.MAX_ARITY - 1) {
                    sideOpen = side.sideRoom(sideCursor);
                }
                double v = Tape.val(x[i], side); // leaves read through the side tape: the tape's values
                assertEquals(xs[i], v, 0.0);
                cursor = t.runArg(cursor, x[i], 2 * v);
                s += v * v;
                sideCursor = side.runArg(sideCursor, x[i], 3);
                q += 3 * v;
            }
            long sNode = t.runEnd(open, cursor, s);
            int before = t.size();
            long qNode = t.sideEnd(side, sideCursor, q);
            assertEquals(before + 3, t.size(), "301 arguments: 127, then 1 + 126, then 1 + 48");
            assertEquals(Tape.MAX_ARITY, t.arity[before]);
            assertEquals(Tape.MAX_ARITY, t.arity[before + 1]);
            assertEquals(49, t.arity[before + 2]);
            assertEquals(q, t.primal(qNode), 0.0);
            assertTrue(nodes < before);
            long f = Ops.mul(sNode, qNode, t);
            double[] g = t.gradient(f, n);
            for (int i = 0; i < n; i++) {
                double expected = 2 * xs[i] * q + 3 * s + (i == 0 ? xs[1] * s : i == 1 ? xs[0] * s : 0);
                assertEquals(expected, g[i], 1e-12 * Math.abs(s * q), "d/dx" + i);
            }
        } finally {
            t.close();
        }
        Tape h = Tape.open(true);
        try {
            assertEquals(null, h.sideOpen(h.input(1.0), 0), "no side run while second derivatives are recorded");
        } finally {
            h.close();
        }
    }
}
