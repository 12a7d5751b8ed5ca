package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.util.function.DoubleUnaryOperator;

import static io.adjoint.internal.Rec.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tape itself: the chain-rule examples of the seed lecture notes (fan-in and fan-out) built from
 * Ops calls, growth far past the initial capacity, reuse after close, nested recordings on one thread,
 * and the NaN-boxed slots.
 */
class TapeTest {
    static final double REL = 1e-14;
    static final double FD_REL = 1e-8;

    private static final MethodHandle SIN = Rec.rule(Rec.MATH, "sin", "(D)D");
    private static final MethodHandle EXP = Rec.rule(Rec.MATH, "exp", "(D)D");
    private static final MethodHandle MAX = Rec.rule(Rec.MATH, "max", "(DD)D");

    private static long sin(long x, Tape t) {
        try {
            return (long) SIN.invokeExact(x, t);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static long exp(long x, Tape t) {
        try {
            return (long) EXP.invokeExact(x, t);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static long max(long a, long b, Tape t) {
        try {
            return (long) MAX.invokeExact(a, b, t);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static long c(double v) {
        return Slot.passive(v);
    }

    /** Records f on a fresh tape at x and returns {value, derivative}. */
    private static double[] valueAndDerivative(java.util.function.BiFunction<Long, Tape, Long> f, double x) {
        Tape t = Tape.open();
        try {
            long r = f.apply(t.input(x), t);
            double v = t.primal(r);
            return new double[] {v, t.gradient(r, 1)[0]};
        } finally {
            t.close();
        }
    }

    // ---- the lecture notes' examples ---------------------------------------------------------------------

    @Test
    void maxOfZeroAndTSquared() {
        // h(t) = max(0, t^2), h'(t) = 1{t^2 >= 0} * 2t
        for (double t : new double[] {-1.5, -1e-3, 0.0, 0.7, 3.0}) {
            double[] vd = valueAndDerivative((x, tape) -> max(c(0), Ops.mul(x, x, tape), tape), t);
            assertEquals(Math.max(0, t * t), vd[0], 0.0, "h(" + t + ")");
            assertEquals((t * t >= 0 ? 1.0 : 0.0) * 2 * t, vd[1], 0.0, "h'(" + t + ")");
            Rec.assertMatchesFiniteDifferences(u -> Math.max(0, u * u), t, 0.125, vd[1], FD_REL, "h'(" + t + ")");
        }
    }

    @Test
    void sinTOverT() {
        // h(t) = sin(t) / t, h'(t) = cos(t) / t - sin(t) / t^2
        DoubleUnaryOperator h = u -> Math.sin(u) / u;
        for (double t : new double[] {0.3, -2.0, 5.0, 40.0, -1e3}) {
            double expected = Math.cos(t) / t - Math.sin(t) / (t * t);
            // directly, as one division
            double[] direct = valueAndDerivative((x, tape) -> Ops.div(sin(x, tape), x, tape), t);
            assertEquals(Math.sin(t) / t, direct[0], 0.0);
            assertClose(expected, direct[1], 1e-12, "h'(" + t + ") as sin(t) / t");
            // as in the notes: f(v1, v2) = v1 v2 with v1 = sin t, v2 = 1 / t
            double[] notes = valueAndDerivative((x, tape) -> Ops.mul(sin(x, tape), Ops.div(c(1), x, tape), tape), t);
            assertClose(expected, notes[1], 1e-12, "h'(" + t + ") as sin(t) * (1 / t)");
            Rec.assertMatchesFiniteDifferences(h, t, 0.125 * Math.min(1, Math.abs(t)), direct[1], FD_REL, "h'(" + t + ")");
        }
    }

    @Test
    void twoInputsOneOutput() {
        // y = exp(z1) z2 - z1 / z2: dy/dz1 = exp(z1) z2 - 1 / z2, dy/dz2 = exp(z1) + z1 / z2^2
        double[][] points = {{0.5, 2.0}, {-1.0, 0.25}, {3.0, -7.0}};
        for (double[] z : points) {
            Tape t = Tape.open();
            try {
                long z1 = t.input(z[0]);
                long z2 = t.input(z[1]);
                long y = Ops.sub(Ops.mul(exp(z1, t), z2, t), Ops.div(z1, z2, t), t);
                double value = t.primal(y);
                double[] g = t.gradient(y, 2);
                assertEquals(Math.exp(z[0]) * z[1] - z[0] / z[1], value, 0.0);
                assertClose(Math.exp(z[0]) * z[1] - 1 / z[1], g[0], REL, "dy/dz1");
                assertClose(Math.exp(z[0]) + z[0] / (z[1] * z[1]), g[1], REL, "dy/dz2");
                Rec.assertMatchesFiniteDifferences(u -> Math.exp(u) * z[1] - u / z[1], z[0], 0.125, g[0], FD_REL, "dy/dz1");
                Rec.assertMatchesFiniteDifferences(u -> Math.exp(z[0]) * u - z[0] / u, z[1], 0.125 * Math.abs(z[1]),
                        g[1], FD_REL, "dy/dz2");
            } finally {
                t.close();
            }
        }
    }

    @Test
    void oneInputFeedingSeveralUses() {
        // y = t^3 + t sin t - t: t is used six times, sin t twice
        for (double t : new double[] {-2.0, 0.0, 0.5, 10.0}) {
            double[] vd = valueAndDerivative((x, tape) -> {
                long cube = Ops.mul(Ops.mul(x, x, tape), x, tape);
                return Ops.sub(Ops.add(cube, Ops.mul(x, sin(x, tape), tape), tape), x, tape);
            }, t);
            double expected = 3 * t * t + Math.sin(t) + t * Math.cos(t) - 1;
            assertClose(expected, vd[1], REL, "y'(" + t + ")");
            Rec.assertMatchesFiniteDifferences(u -> u * u * u + u * Math.sin(u) - u, t, 0.125, vd[1], FD_REL, "y'(" + t + ")");
        }
        // one intermediate with several consumers: u = sin t, y = u u + u, y' = (2u + 1) cos t
        for (double t : new double[] {-1.0, 0.25, 2.0}) {
            double[] vd = valueAndDerivative((x, tape) -> {
                long u = sin(x, tape);
                return Ops.add(Ops.mul(u, u, tape), u, tape);
            }, t);
            assertClose((2 * Math.sin(t) + 1) * Math.cos(t), vd[1], REL, "y'(" + t + ")");
        }
    }

    // ---- what the sweep returns ----------------------------------------------------------------------------

    @Test
    void outputThatIsItselfAnInput() {
        // f(x, y) = x and f(x, y) = y: the other input's adjoint is 0, not a leftover primal value
        Tape t = Tape.open();
        try {
            long x = t.input(3.0);
            t.input(-4.0);
            assertArrayEquals(new double[] {1.0, 0.0}, t.gradient(x, 2), 0.0, "d(x)/d(x, y)");
        } finally {
            t.close();
        }
        t = Tape.open();
        try {
            t.input(3.0);
            long y = t.input(-4.0);
            assertArrayEquals(new double[] {0.0, 1.0}, t.gradient(y, 2), 0.0, "d(y)/d(x, y)");
        } finally {
            t.close();
        }
        t = Tape.open();
        try {
            // f(x, y, z) = 2x: the inputs after x are untouched by the sweep
            long x = t.input(1.5);
            t.input(7.0);
            t.input(-2.0);
            long r = Ops.mul(x, c(2.0), t);
            assertArrayEquals(new double[] {2.0, 0.0, 0.0}, t.gradient(r, 3), 0.0, "d(2x)/d(x, y, z)");
        } finally {
            t.close();
        }
    }

    @Test
    void passiveOutputHasZeroGradient() {
        Tape t = Tape.open();
        try {
            long x = t.input(2.0);
            t.input(3.0);
            long r = Ops.mul(Ops.sub(x, x, t), c(0), t); // active, but zero partials
            assertTrue(Slot.isActive(r));
            assertArrayEquals(new double[] {0.0, 0.0}, t.gradient(r, 2), 0.0);
            assertArrayEquals(new double[] {0.0, 0.0}, t.gradient(c(5.0), 2), 0.0);
        } finally {
            t.close();
        }
    }

    @Test
    void intermediateNodesAfterTheOutputAreIgnored() {
        Tape t = Tape.open();
        try {
            long x = t.input(2.0);
            long y = Ops.mul(x, x, t); // output
            Ops.mul(y, c(100.0), t); // recorded later, not part of y
            Ops.add(x, c(1.0), t);
            assertArrayEquals(new double[] {4.0}, t.gradient(y, 1), 0.0);
        } finally {
            t.close();
        }
    }

    // ---- capacity, reuse, nesting ----------------------------------------------------------------------

    @Test
    void growsFarPastItsInitialCapacity() {
        final int n = 1_000_000;
        Tape t = Tape.open();
        try {
            long x = t.input(1.25);
            long y = t.input(-0.5);
            long s = c(0.0);
            for (int i = 0; i < n; i++) {
                s = Ops.add(s, Ops.mul(x, y, t), t);
            }
            assertEquals(2 + 2 * n, t.size());
            assertEquals(-0.625 * n, t.primal(s), 0.0);
            double[] g = t.gradient(s, 2);
            assertArrayEquals(new double[] {-0.5 * n, 1.25 * n}, g, 0.0);
        } finally {
            t.close();
        }
    }

    @Test
    void threeArgumentNodesGrowTheArgumentArrays() throws Throwable {
        // fma nodes with three active arguments: 3 argument entries each, far past 2048
        MethodHandle fma = Rec.rule(Rec.MATH, "fma", "(DDD)D");
        Tape t = Tape.open();
        try {
            long a = t.input(0.5);
            long b = t.input(2.0);
            long s = t.input(0.0);
            for (int i = 0; i < 5000; i++) {
                s = (long) fma.invokeExact(a, b, s, t); // s += a b
            }
            assertEquals(5000.0, t.primal(s), 0.0);
            assertArrayEquals(new double[] {10000.0, 2500.0, 1.0}, t.gradient(s, 3), 0.0);
        } finally {
            t.close();
        }
    }

    @Test
    void aClosedTapeStartsCleanWhenReused() {
        double[] arr = {1.0, 2.0};
        long stale;
        Tape first = Tape.open();
        try {
            long x = first.input(3.0);
            for (int i = 0; i < 10; i++) {
                x = Ops.mul(x, c(1.5), first);
            }
            stale = x;
            Ops.dastore(arr, 0, x, first);
            Ops.putStatic(x, 77, first);
        } finally {
            first.close();
        }
        Tape second = Tape.open();
        try {
            assertEquals(0, second.size(), "a reused tape starts empty");
            long y = second.input(4.0);
            assertEquals(0, Slot.node(y), "the first input of a new recording is node 0");
            // the old recording's shadows are gone: the array and the static read as plain values
            assertFalse(Slot.isActive(Ops.daload(arr, 0, second)));
            assertEquals(arr[0], Slot.value(Ops.daload(arr, 0, second)));
            assertFalse(Slot.isActive(Ops.getStatic(1.0, 77, second)));
            long r = Ops.mul(y, y, second);
            assertArrayEquals(new double[] {8.0}, second.gradient(r, 1), 0.0);
            // an active value kept from the earlier recording is refused, not silently misread
            assertThrows(NotDifferentiableException.class, () -> Ops.add(stale, c(1.0), second));
        } finally {
            second.close();
        }
    }

    @Test
    void nestedRecordingsOnOneThread() {
        assertNull(Tape.current());
        Tape outer = Tape.open();
        try {
            assertSame(outer, Tape.current());
            long x = outer.input(2.0);
            long sq = Ops.mul(x, x, outer);
            int outerSize = outer.size();
            double inner;
            Tape in = Tape.open();
            try {
                assertNotSame(outer, in);
                assertSame(in, Tape.current());
                assertEquals(0, in.size(), "the inner recording starts empty");
                long z = in.input(3.0);
                long w = sin(Ops.mul(z, c(2.0), in), in);
                inner = in.gradient(w, 1)[0];
            } finally {
                in.close();
            }
            assertSame(outer, Tape.current());
            assertEquals(2 * Math.cos(6.0), inner, 1e-15);
            assertEquals(outerSize, outer.size(), "the inner recording did not touch the outer one");
            long cube = Ops.mul(sq, x, outer);
            assertEquals(8.0, outer.primal(cube), 0.0);
            assertArrayEquals(new double[] {12.0}, outer.gradient(cube, 1), 0.0);
        } finally {
            outer.close();
        }
        assertNull(Tape.current());
    }

    // ---- slots -------------------------------------------------------------------------------------------

    @Test
    void slotsBoxValuesAndNodeIndices() {
        for (double v : new double[] {0.0, -0.0, 1.5, -1e300, Double.MIN_VALUE, Double.POSITIVE_INFINITY}) {
            long s = Slot.passive(v);
            assertEquals(Double.doubleToRawLongBits(v), s, "a passive slot is the value's bits");
            assertTrue(Slot.isPassive(s));
            assertFalse(Slot.isActive(s));
        }
        Tape t = Tape.open();
        try {
            for (int i = 0; i < 3000; i++) {
                long a = t.input(i);
                assertTrue(Slot.isActive(a));
                assertFalse(Slot.isPassive(a));
                assertEquals(i, Slot.node(a));
                assertTrue(Double.isNaN(Double.longBitsToDouble(a)), "an active slot reads as NaN");
                assertEquals(i, t.primal(a), 0.0);
            }
        } finally {
            t.close();
        }
    }

    @Test
    void nanPatternsThatWouldReadAsActiveAreCanonicalised() {
        long[] colliding = {0x7FF4_0000_0000_0000L, 0x7FF4_0000_0000_0007L, 0x7FF7_FFFF_FFFF_FFFFL};
        for (long bits : colliding) {
            long s = Slot.passive(Double.longBitsToDouble(bits));
            assertTrue(Slot.isPassive(s), Long.toHexString(bits));
            assertTrue(Double.isNaN(Slot.value(s)));
        }
        // other NaNs, the sign-flipped pattern included, are kept bit for bit
        long[] harmless = {0x7FF8_0000_0000_0000L, 0x7FF0_0000_0000_0001L, 0xFFF4_0000_0000_0007L, 0x7FF8_0000_0000_0042L};
        for (long bits : harmless) {
            long s = Slot.passive(Double.longBitsToDouble(bits));
            assertTrue(Slot.isPassive(s), Long.toHexString(bits));
            assertEquals(bits, s, Long.toHexString(bits));
        }
    }

    /** An output that is itself an input (e.g. a median found by sorting) lies below the other inputs. */
    @Test
    void gradientOfAnInputIsAUnitVector() {
        Tape t = Tape.open();
        try {
            long[] x = Ops.seed(new double[] {2.0, 1.0, 3.0}, t);
            assertArrayEquals(new double[] {1.0, 0.0, 0.0}, t.gradient(x[0], 3));
        } finally {
            t.close();
        }
    }

    /** After a huge recording, a small one gives the memory back; a recording that fills it keeps it. */
    @Test
    void capacityIsGivenBackAfterAHugeRecording() {
        Tape t = Tape.open();
        try {
            long x = t.input(1.0);
            for (int i = 0; i < 5_000_000; i++) {
                x = Ops.add(x, Slot.passive(1.0), t);
            }
        } finally {
            t.close();
        }
        int huge = t.value.length;
        assertTrue(huge >= 5_000_000, "grew to " + huge);
        Tape again = Tape.open();
        try {
            assertSame(t, again, "the thread's tape is reused");
            long y = again.input(2.0);
            assertArrayEquals(new double[] {3.0}, again.gradient(Ops.mul(y, Slot.passive(3.0), again), 1));
        } finally {
            again.close();
        }
        assertTrue(t.value.length < huge / 8, "kept " + t.value.length + " of " + huge);
        assertTrue(t.argNode.length < huge / 8, "kept " + t.argNode.length + " args");
    }
}
