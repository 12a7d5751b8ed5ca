package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first array given a shadow in a recording is pinned (found without hashing) and the seeded input's
 * shadow is reused by the next recording of the same thread: nothing of one recording may show in another,
 * the pinned array must behave like any other (stale elements refused, passive stores clearing, copies and
 * replacements), and threads and nested recordings keep their own.
 */
class PinnedShadowTest {
    private static long c(double v) {
        return Slot.passive(v);
    }

    /** sum_i (i + 1) * a[i], read through daload. */
    private static long weighted(double[] a, Tape t) {
        long s = c(0.0);
        for (int i = 0; i < a.length; i++) {
            s = Ops.add(s, Ops.mul(Ops.daload(a, i, t), c(i + 1), t), t);
        }
        return s;
    }

    @Test
    void aReusedInputShadowCarriesOnlyThisRecordingsSlots() {
        for (int call = 0; call < 5; call++) {
            Tape t = Tape.open();
            try {
                // some nodes before the seed, so that the input nodes differ between calls when call is odd
                for (int k = 0; k < call % 2; k++) {
                    t.input(-1.0);
                }
                int first = t.size();
                double[] x = {1.0 + call, 2.0, 3.0};
                long[] s = Ops.seed(x, t);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(first + i, Slot.node(s[i]), "call " + call + ", element " + i);
                    assertEquals(s[i], Ops.daload(x, i, t));
                }
                double[] y = new double[3]; // not the input: a fresh shadow, all passive
                Ops.dastore(y, 1, Ops.daload(x, 0, t), t);
                assertTrue(Slot.isPassive(Ops.daload(y, 0, t)), "call " + call);
                assertTrue(Slot.isPassive(Ops.daload(y, 2, t)), "call " + call);
                long f = Ops.add(weighted(x, t), Ops.daload(y, 1, t), t);
                double[] g = t.gradient(f, first + 3);
                assertArrayEquals(new double[] {2.0, 2.0, 3.0}, java.util.Arrays.copyOfRange(g, first, first + 3), 0.0);
            } finally {
                t.close();
            }
        }
    }

    @Test
    void theFirstArrayOfARecordingWrittenBeforeAnySeedStartsPassive() {
        Tape t = Tape.open();
        try {
            Ops.seed(new double[] {5, 6, 7, 8}, t); // leaves a spare shadow of length 4 full of active slots
        } finally {
            t.close();
        }
        t = Tape.open();
        try {
            long x = t.input(2.0);
            double[] a = new double[4]; // the pinned array now: must not inherit the spare's slots
            Ops.dastore(a, 2, x, t);
            for (int i = 0; i < a.length; i++) {
                long s = Ops.daload(a, i, t);
                assertEquals(i == 2, Slot.isActive(s), "element " + i);
            }
            assertFalse(Ops.hasActive(new double[4], t));
        } finally {
            t.close();
        }
    }

    @Test
    void aStaleElementOfThePinnedArrayIsRefusedInEveryRecording() {
        for (int call = 0; call < 3; call++) {
            Tape t = Tape.open();
            try {
                double[] x = {1.0, 2.0};
                Ops.seed(x, t);
                x[1] = 2.5; // changed behind the shadow's back
                assertEquals(0, Slot.node(Ops.daload(x, 0, t)));
                assertThrows(NotDifferentiableException.class, () -> Ops.daload(x, 1, t));
            } finally {
                t.close();
            }
        }
    }

    @Test
    void thePinnedArrayFollowsStoresCopiesAndReplacement() {
        Tape t = Tape.open();
        try {
            double[] x = {1.0, 2.0, 3.0};
            Ops.seed(x, t);
            Ops.dastore(x, 0, c(9.0), t); // a passive store clears the element
            assertTrue(Slot.isPassive(Ops.daload(x, 0, t)));
            double[] copy = (double[]) Ops.cloneArray(x, t); // hashed: a separate shadow
            Ops.dastore(copy, 1, c(4.0), t);
            assertEquals(1, Slot.node(Ops.daload(x, 1, t)), "the copy's store does not touch the pinned shadow");
            assertTrue(Slot.isPassive(Ops.daload(copy, 1, t)));
            assertEquals(2, Slot.node(Ops.daload(copy, 2, t)));
            Ops.arraycopy(new double[] {7, 7, 7}, 0, x, 0, 3, t); // passive data over the pinned array
            assertFalse(Ops.hasActive(x, t));
            assertTrue(Ops.hasActive(copy, t));
            Ops.arraycopy(copy, 2, x, 1, 1, t);
            assertEquals(2, Slot.node(Ops.daload(x, 1, t)));
            // many more arrays: the hash table grows while the pinned array stays found
            for (int i = 0; i < 200; i++) {
                double[] a = new double[1];
                Ops.dastore(a, 0, Ops.daload(x, 1, t), t);
                assertEquals(2, Slot.node(Ops.daload(a, 0, t)));
            }
            assertEquals(2, Slot.node(Ops.daload(x, 1, t)));
        } finally {
            t.close();
        }
    }

    /**
     * A large private input's shadow is not made when it is seeded (Shadows.UNWRITTEN_INPUT): element sites get a
     * marker, and reads through it give input node i without a freshness check (the input is trusted). Reads through the
     * marker a site keeps must check again once the input is handed to uninstrumented code, and see a store once twin
     * code wrote it; a rule asking for the shadow gets the real one; each recording starts from the marker again. A
     * small input's shadow is written at once.
     */
    @Test
    void thePrivateInputsShadowIsMadeOnlyWhenNeeded() {
        int reads = Ops.newShadowSite(), writes = Ops.newShadowSite();
        for (int call = 0; call < 6; call++) {
            Tape t = Tape.open();
            try {
                double[] x = new double[Tape.UNWRITTEN_INPUT_FROM];
                x[0] = 1.0;
                x[1] = 2.0;
                x[2] = 3.0;
                t.privateInput(x);
                long[] marker = Ops.arrayShadow(x, reads, t);
                assertTrue(marker == Shadows.UNWRITTEN_INPUT, "call " + call);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(i, Slot.node(Ops.daload(x, marker, i, t)));
                }
                assertEquals(2.0, t.primal(Ops.daload(x, marker, 1, t)));
                switch (call % 3) {
                    case 0 -> { // handed to uninstrumented code, which changes an element: refused, the others stand
                        t.handedOut(new Object[] {"other", x});
                        x[2] = 5.0;
                        assertThrows(NotDifferentiableException.class, () -> Ops.daload(x, marker, 2, t));
                        assertEquals(1, Slot.node(Ops.daload(x, marker, 1, t)));
                    }
                    case 1 -> { // twin code stores a constant through another site
                        Ops.dastore(x, Ops.arrayShadow(x, writes, t), 0, c(7.0), t);
                        assertTrue(Slot.isPassive(Ops.daload(x, marker, 0, t)));
                        assertEquals(1, Slot.node(Ops.daload(x, marker, 1, t)));
                        long f = Ops.add(Ops.mul(Ops.daload(x, marker, 0, t), Ops.daload(x, marker, 1, t), t),
                                Ops.daload(x, marker, 2, t), t);
                        assertArrayEquals(new double[] {0.0, 7.0, 1.0},
                                java.util.Arrays.copyOfRange(t.gradient(f, x.length), 0, 3), 0.0);
                    }
                    default -> { // a rule asks for the shadow: the input nodes, read with the freshness check again
                        double[] copy = (double[]) Ops.cloneArray(x, t);
                        assertEquals(2, Slot.node(Ops.daload(copy, 2, t)));
                        assertEquals(1, Slot.node(Ops.daload(x, marker, 1, t)));
                        x[1] = 9.0;
                        assertThrows(NotDifferentiableException.class, () -> Ops.daload(x, marker, 1, t));
                        assertThrows(NotDifferentiableException.class, () -> Ops.daload(x, 1, t));
                        assertEquals(2, Slot.node(Ops.daload(x, 2, t)));
                    }
                }
            } finally {
                t.close();
            }
        }
        Tape t = Tape.open();
        try {
            double[] small = new double[Tape.UNWRITTEN_INPUT_FROM - 1];
            t.privateInput(small);
            long[] s = Ops.arrayShadow(small, reads, t);
            assertTrue(s != Shadows.UNWRITTEN_INPUT && s.length == small.length);
            assertEquals(7, Slot.node(s[7]));
        } finally {
            t.close();
        }
    }

    @Test
    void aNestedRecordingHasItsOwnPinnedArray() {
        Tape outer = Tape.open();
        try {
            double[] x = {1.0, 2.0};
            Ops.seed(x, outer);
            Tape inner = Tape.open();
            try {
                assertTrue(Slot.isPassive(Ops.daload(x, 0, inner)), "the outer input is data to the inner recording");
                double[] z = {3.0, 4.0};
                Ops.seed(z, inner);
                assertEquals(1, Slot.node(Ops.daload(z, 1, inner)));
            } finally {
                inner.close();
            }
            assertEquals(1, Slot.node(Ops.daload(x, 1, outer)));
            assertFalse(Ops.hasActive(new double[] {3.0, 4.0}, outer));
        } finally {
            outer.close();
        }
    }

    @Test
    void threadsReusingTheirShadowsDoNotMix() throws Exception {
        int threads = 4, calls = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            Future<?>[] done = new Future<?>[threads];
            for (int th = 0; th < threads; th++) {
                int id = th;
                done[th] = pool.submit(() -> {
                    start.await();
                    for (int call = 0; call < calls; call++) {
                        Tape t = Tape.open();
                        try {
                            for (int k = 0; k < (call + id) % 3; k++) { // input nodes start at 0, 1 or 2
                                t.input(0.0);
                            }
                            int first = t.size();
                            double[] x = {id, call, 1.0};
                            Ops.seed(x, t);
                            // f = x0 * x1 + x2: gradient (x1, x0, 1)
                            long f = Ops.add(Ops.mul(Ops.daload(x, 0, t), Ops.daload(x, 1, t), t),
                                    Ops.daload(x, 2, t), t);
                            double[] g = t.gradient(f, first + 3);
                            if (g[first] != call || g[first + 1] != id || g[first + 2] != 1.0) {
                                throw new AssertionError("thread " + id + ", call " + call + ": "
                                        + java.util.Arrays.toString(g));
                            }
                        } finally {
                            t.close();
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
