package io.adjoint.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What opening and closing a recording maintains for everyone else: the stamp (unique in the JVM, for the
 * in-object field shadows), the count of open recordings that host prologues test ({@code Entry.ANY}), and the
 * caller's cache of its thread's tape pool ({@code Tape.PoolCache}).
 */
class OpenCloseTest {

    private static void run(int threads, ThrowingRunnable body) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread th = new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            all.add(th);
            th.start();
        }
        for (Thread th : all) {
            th.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    interface ThrowingRunnable {
        void run() throws Throwable;
    }

    // ---- stamps ------------------------------------------------------------------------------------------

    @Test
    void stampsAreUniqueAcrossRecordingsTapesAndThreads() throws Throwable {
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        int threads = 4, rounds = 2000;
        CyclicBarrier start = new CyclicBarrier(threads);
        run(threads, () -> {
            start.await();
            for (int i = 0; i < rounds; i++) {
                Tape t = Tape.open();
                try {
                    assertTrue(seen.add(t.stamp), "stamp " + t.stamp + " handed out twice");
                    if (i % 7 == 0) { // a nested recording: the thread's second tape
                        Tape in = Tape.open();
                        try {
                            assertTrue(seen.add(in.stamp), "nested stamp " + in.stamp + " handed out twice");
                        } finally {
                            in.close();
                        }
                    }
                } finally {
                    t.close();
                }
            }
        });
        assertEquals(threads * (rounds + (rounds + 6) / 7), seen.size());
        assertFalse(seen.contains(0L), "0 is what a zeroed shadow array holds: never a stamp");
    }

    /**
     * A tape that has used up its block of stamps takes a fresh one: its next stamps lie above every block taken
     * before (here the block of a tape opened after it), so they cannot meet another tape's.
     */
    @Test
    void aTapeThatUsedUpItsStampsTakesAFreshBlock() throws Throwable {
        run(1, () -> { // a fresh thread: fresh tapes
            Tape a = Tape.open();
            long bEnd;
            try {
                Tape b = Tape.open(); // nested: takes its block after a's
                bEnd = b.stampEnd;
                b.close();
                assertTrue(bEnd > a.stampEnd, "b's block was taken after a's");
                a.stamp = a.stampEnd - 3; // as if a had opened almost STAMP_BLOCK recordings
            } finally {
                a.close();
            }
            Set<Long> stamps = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                Tape t = Tape.open();
                try {
                    assertSame(a, t);
                    assertTrue(t.stamp < t.stampEnd && t.stampEnd - t.stamp <= Tape.STAMP_BLOCK,
                            "stamp " + t.stamp + " outside its tape's block, ending at " + t.stampEnd);
                    assertTrue(stamps.add(t.stamp));
                    if (i >= 2) {
                        assertTrue(t.stamp >= bEnd, "after the block ran out: " + t.stamp + " must lie above "
                                + "b's block (ending at " + bEnd + ")");
                    }
                } finally {
                    t.close();
                }
            }
        });
    }

    // ---- the count of open recordings --------------------------------------------------------------------

    private static boolean anyCheck() throws Throwable {
        return (boolean) Entry.ANY_CHECK.invokeExact();
    }

    @Test
    void theCountFollowsOpenRecordingsAndTheCheckSaysWhetherItIsNotZero() throws Throwable {
        run(1, () -> { // alone: no other test records meanwhile (tests of this module run one at a time)
            int before = Entry.recordings();
            Tape outer = Tape.open();
            try {
                assertEquals(before + 1, Entry.recordings());
                assertTrue(anyCheck());
                Tape inner = Tape.open();
                try {
                    assertEquals(before + 2, Entry.recordings());
                    assertTrue(Entry.ANY != 0);
                    assertTrue(anyCheck(), "two open recordings: the check is 'count != 0', not its low bit");
                } finally {
                    inner.close();
                }
                assertEquals(before + 1, Entry.recordings());
                assertTrue(anyCheck());
            } finally {
                outer.close();
            }
            assertEquals(before, Entry.recordings());
        });
        assertEquals(0, Entry.recordings());
        assertEquals(0, Entry.ANY);
        assertFalse(anyCheck(), "no recording open: prologues must not take their slow path");
    }

    /**
     * Several threads open and close recordings (some nested) as fast as they can: each sees the count that
     * prologues test nonzero during its own recordings, whatever the others do, and it is 0 once all closed.
     */
    @Test
    void theCountIsNeverZeroWhileAThreadRecords() throws Throwable {
        int threads = 4, rounds = 200_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        run(threads, () -> {
            start.await();
            for (int i = 0; i < rounds; i++) {
                Tape t = Tape.open();
                try {
                    if (Entry.ANY == 0 || !anyCheck()) {
                        throw new AssertionError("count 0 while this thread records (round " + i + ")");
                    }
                    if ((i & 15) == 0) {
                        Tape in = Tape.open();
                        in.close();
                        if (Entry.ANY == 0) {
                            throw new AssertionError("count 0 after a nested recording closed (round " + i + ")");
                        }
                    }
                } finally {
                    t.close();
                }
            }
        });
        assertEquals(0, Entry.recordings(), "all recordings closed");
        assertFalse(anyCheck());
    }

    // ---- the pool cache ----------------------------------------------------------------------------------

    @Test
    void aPoolCacheGivesEachThreadItsOwnTapes() throws Throwable {
        Tape.PoolCache cache = new Tape.PoolCache();
        Tape mine = Tape.open(cache);
        Tape nested;
        try {
            assertSame(mine, Tape.current());
            nested = Tape.open(cache);
            try {
                assertNotSame(mine, nested, "a nested recording through the same cache gets its own tape");
                assertSame(nested, Tape.current());
                assertNotEquals(mine.stamp, nested.stamp);
            } finally {
                nested.close();
            }
            assertSame(mine, Tape.current());
        } finally {
            mine.close();
        }
        // other threads, through the same cache, one after the other and all at once
        Set<Tape> others = ConcurrentHashMap.newKeySet();
        for (int round = 0; round < 2; round++) {
            CyclicBarrier start = new CyclicBarrier(3);
            run(3, () -> {
                start.await();
                for (int i = 0; i < 20_000; i++) {
                    Tape t = Tape.open(cache);
                    try {
                        if (Tape.current() != t) {
                            throw new AssertionError("a tape of another thread's pool");
                        }
                        others.add(t);
                    } finally {
                        t.close();
                    }
                    assertNull(Tape.current());
                }
            });
        }
        assertFalse(others.contains(mine) || others.contains(nested), "this thread's tapes went to another thread");
        assertEquals(6, others.size(), "one tape per thread");
        assertSame(mine, reopen(cache), "back on this thread: its own tape again");
    }

    private static Tape reopen(Tape.PoolCache cache) {
        Tape t = Tape.open(cache);
        t.close();
        return t;
    }
}
