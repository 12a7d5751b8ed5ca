package io.adjoint.internal;

import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Tape#gradientSince}: the gradient of a call recorded inside a larger recording with respect to its
 * own arguments (report= nested calls), without disturbing the enclosing recording.
 */
class PartialSweepTest {
    private static final MethodHandle SIN = Rec.rule(Rec.MATH, "sin", "(D)D");

    private static long sin(long x, Tape t) throws Throwable {
        return (long) SIN.invokeExact(x, t);
    }

    @Test
    void innerCallGradientFromAPartialSweepAndTheOuterGradientUnchanged() throws Throwable {
        double x = 0.7, y = -1.3;
        Tape t = Tape.open();
        try {
            long sx = t.input(x), sy = t.input(y);
            long u = Ops.mul(sx, sy, t);                        // outer work before the call: u = x y
            int mark = t.size();
            long a = t.push1(t.primal(u), u, 1.0);              // the call's arguments: identity on active u,
            long b = t.input(2.5);                              // a fresh node for a passive constant
            long inner = Ops.add(sin(a, t), Ops.mul(a, b, t), t); // inner(a, b) = sin a + a b
            double[] g = t.gradientSince(inner, new long[] {a, b, Slot.passive(2.5)}, mark);
            double av = x * y;
            assertArrayEquals(new double[] {Math.cos(av) + 2.5, av, 0.0}, g, 1e-15);
            long out = Ops.mul(inner, sx, t);                   // outer work after the call: out = inner * x
            double[] outer = t.gradient(out, 2);
            double inv = Math.sin(av) + av * 2.5;
            double dInnerDu = Math.cos(av) + 2.5;
            assertEquals(dInnerDu * y * x + inv, outer[0], 1e-14);
            assertEquals(dInnerDu * x * x, outer[1], 1e-14);
        } finally {
            t.close();
        }
    }

    @Test
    void passiveOrOlderResultsHaveZeroGradient() throws Throwable {
        Tape t = Tape.open();
        try {
            long sx = t.input(1.5);
            int mark = t.size();
            long a = t.push1(1.5, sx, 1.0);
            assertArrayEquals(new double[] {0.0}, t.gradientSince(Slot.passive(3.0), new long[] {a}, mark));
            assertArrayEquals(new double[] {0.0}, t.gradientSince(sx, new long[] {a}, mark), "result below mark");
            assertArrayEquals(new double[] {1.0}, t.gradientSince(a, new long[] {a}, mark), "identity");
        } finally {
            t.close();
        }
    }
}
