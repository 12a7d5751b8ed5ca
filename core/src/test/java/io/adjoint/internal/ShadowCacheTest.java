package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.Test;

import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twin code keeps, per array element site in a loop, the last array, its shadow (or null) and the shadow generation
 * in locals ({@code TwinMethodAdapter}); {@link Site} does the same in Java. A cached null must never be believed once
 * the array got a shadow; a cached shadow is believed without a check, which is right only because an array's shadow
 * is never replaced during a recording (and twin locals never outlive their recording). The freshness check must
 * still refuse an element changed behind the tape.
 */
class ShadowCacheTest {
    /**
     * The inline cache of one site, as the twin's generated code keeps it in locals for one activation; on a miss it
     * asks the site's table (by its id), which carries the cache across activations (calls) of the same site.
     */
    private static final class Site {
        final int id;
        Object array;
        long[] shadow;
        long generation; // 0: empty

        Site() {
            this(Ops.newShadowSite());
        }

        /** A new activation of the site {@code id}. */
        Site(int id) {
            this.id = id;
        }

        long[] shadow(Object a, Tape t) {
            if (a == array && (shadow != null || Ops.shadowGeneration(t) == generation)) {
                return shadow;
            }
            generation = 0;
            shadow = null;
            array = a;
            shadow = Ops.arrayShadow(a, id, t);
            generation = Ops.shadowGeneration(t);
            return shadow;
        }

        long read(double[] a, int i, Tape t) {
            return Ops.daload(a, shadow(a, t), i, t);
        }

        void write(double[] a, int i, long v, Tape t) {
            Ops.dastore(a, shadow(a, t), i, v, t);
        }
    }

    private static long c(double v) {
        return Slot.passive(v);
    }

    /** Every way an array without a shadow gets one: a site that cached its null must look again. */
    @Test
    void aCachedNullIsNotBelievedOnceTheArrayGetsAShadow() {
        java.util.Map<String, BiConsumer<double[], Tape>> ways = new java.util.LinkedHashMap<>();
        ways.put("a store at another site", (a, t) -> new Site().write(a, 1, t.input(a[1]), t));
        ways.put("a store without cache", (a, t) -> Ops.dastore(a, 1, t.input(a[1]), t));
        ways.put("arraycopy from an active array", (a, t) -> {
            double[] src = {a[1]};
            Ops.dastore(src, 0, t.input(a[1]), t);
            Ops.arraycopy(src, 0, a, 1, 1, t);
        });
        ways.put("Arrays.fill with an active value", (a, t) -> Ops.fill(a, 1, 2, t.input(a[1]), t));
        ways.put("seeding it", (a, t) -> Ops.seed(a, t));
        for (var way : ways.entrySet()) {
            for (boolean pinned : new boolean[] {true, false}) { // the recording's first shadow, or a hashed one
                Tape t = Tape.open();
                try {
                    if (!pinned) {
                        Ops.seed(new double[] {9.0}, t);
                    }
                    double[] a = {1.0, 2.0};
                    Site site = new Site();
                    assertTrue(Slot.isPassive(site.read(a, 1, t)));
                    assertEquals(null, site.shadow);
                    way.getValue().accept(a, t);
                    long slot = site.read(a, 1, t);
                    assertTrue(Slot.isActive(slot), way.getKey() + (pinned ? " (pinned)" : " (hashed)"));
                    assertEquals(2.0, t.valueOf(slot));
                } finally {
                    t.close();
                }
            }
        }
    }

    /** A site's own active store creates the shadow; its next passive store must clear the element, not skip it. */
    @Test
    void aSiteSeesTheShadowItsOwnStoreCreated() {
        Tape t = Tape.open();
        try {
            Ops.seed(new double[] {9.0}, t);
            double[] a = new double[2];
            Site store = new Site(), load = new Site();
            assertTrue(Slot.isPassive(load.read(a, 0, t)));
            store.write(a, 0, t.input(5.0), t); // cached null: creates the shadow
            assertTrue(Slot.isActive(load.read(a, 0, t)));
            store.write(a, 0, c(3.0), t);
            assertTrue(Slot.isPassive(load.read(a, 0, t)), "the passive store cleared the element");
            assertEquals(3.0, a[0]);
        } finally {
            t.close();
        }
    }

    /** Reads, passive stores and active stores into arrays that have a shadow leave the generation alone. */
    @Test
    void theGenerationMovesOnlyWhenTheMapChanges() {
        Tape t = Tape.open();
        try {
            double[] x = {1.0, 2.0};
            long g0 = Ops.shadowGeneration(t);
            assertNotEquals(0, g0);
            Ops.seed(x, t);
            long g1 = Ops.shadowGeneration(t);
            assertNotEquals(g0, g1);
            double[] y = new double[2];
            Ops.dastore(y, 0, Ops.daload(x, 0, t), t);
            long g2 = Ops.shadowGeneration(t);
            assertNotEquals(g1, g2);
            Ops.daload(y, 0, t);
            Ops.daload(new double[1], 0, t);
            Ops.dastore(y, 1, Ops.daload(x, 1, t), t);
            Ops.dastore(y, 0, c(4.0), t);
            Ops.dastore(new double[1], 0, c(4.0), t);
            Ops.fill(y, c(1.0), t);
            Ops.arraycopy(new double[2], 0, y, 0, 2, t);
            assertEquals(g2, Ops.shadowGeneration(t));
            Ops.cloneArray(x, t);
            long g3 = Ops.shadowGeneration(t);
            assertNotEquals(g2, g3);
            Ops.copyOf(x, 3, t);
            assertNotEquals(g3, Ops.shadowGeneration(t));
        } finally {
            t.close();
        }
    }

    /**
     * A cached shadow is believed without looking at the generation, so an array that has a shadow must keep it for
     * the whole recording: installing another one is refused (pinned or hashed), and the site keeps reading the first.
     */
    @Test
    void aShadowIsNeverReplaced() {
        for (boolean pinned : new boolean[] {true, false}) {
            Tape t = Tape.open();
            try {
                if (!pinned) {
                    Ops.seed(new double[] {9.0}, t);
                }
                double[] a = {1.0, 2.0};
                Ops.dastore(a, 0, t.input(1.0), t);
                Site site = new Site();
                long first = site.read(a, 0, t);
                assertTrue(Slot.isActive(first));
                long[] replacement = new long[2];
                replacement[1] = t.input(2.0);
                assertThrows(IllegalStateException.class, () -> t.shadows.putArray(a, replacement),
                        pinned ? "pinned" : "hashed");
                assertSame(site.shadow, t.shadows.arrayShadow(a), pinned ? "pinned" : "hashed");
                assertEquals(first, site.read(a, 0, t));
                assertTrue(Slot.isPassive(site.read(a, 1, t)));
                // the ways twin code gives arrays shadows make new arrays or fill an empty place
                double[] b = (double[]) Ops.cloneArray(a, t);
                assertEquals(first, new Site().read(b, 0, t));
                assertSame(site.shadow, t.shadows.arrayShadow(a));
            } finally {
                t.close();
            }
        }
    }

    /**
     * The next recording of the same tape starts with no shadows (twin locals never outlive their recording, so only a
     * cached null could be seen again): a null cached in the previous recording is not believed once the array gets a
     * shadow, even the previous recording's reused input shadow (the spare).
     */
    @Test
    void aCachedNullOfTheLastRecordingIsNotBelieved() {
        Tape t = Tape.open();
        double[] x = {1.0, 2.0};
        double[] y = {3.0, 4.0};
        Site site = new Site();
        try {
            Ops.seed(x, t);
            assertTrue(Slot.isPassive(site.read(y, 0, t)));
        } finally {
            t.close();
        }
        Tape t2 = Tape.open();
        try {
            assertSame(t, t2, "this thread's tape is reused: the case where the generation matters");
            assertTrue(Slot.isPassive(new Site().read(x, 0, t2)), "x has no shadow in this recording");
            Ops.seed(y, t2); // takes the spare: the previous recording's shadow array
            assertEquals(1, Slot.node(site.read(y, 1, t2)));
        } finally {
            t2.close();
        }
    }

    /**
     * The site table carries a site's last answer across calls: a null it keeps is not believed once the array got a
     * shadow, a shadow it keeps is the array's, and a site alternating between arrays gets each one's own.
     */
    @Test
    void aSiteTableAcrossCallsIsExact() {
        for (boolean pinned : new boolean[] {true, false}) {
            Tape t = Tape.open();
            try {
                if (!pinned) {
                    Ops.seed(new double[] {9.0}, t);
                }
                int id = Ops.newShadowSite();
                double[] a = {1.0, 2.0};
                double[] b = {3.0, 4.0};
                assertTrue(Slot.isPassive(new Site(id).read(a, 1, t)));
                Ops.dastore(a, 1, t.input(2.0), t); // a gets a shadow after the site cached "none" for it
                long a1 = new Site(id).read(a, 1, t);
                assertTrue(Slot.isActive(a1), pinned ? "pinned" : "hashed");
                assertEquals(2.0, t.valueOf(a1));
                Ops.dastore(b, 0, t.input(3.0), t);
                for (int call = 0; call < 3; call++) { // one site, arrays alternating between calls
                    assertEquals(a1, new Site(id).read(a, 1, t));
                    long b0 = new Site(id).read(b, 0, t);
                    assertEquals(3.0, t.valueOf(b0));
                    assertTrue(Slot.isPassive(new Site(id).read(b, 1, t)));
                }
                // ids past the table's bound take the plain lookup; the last one inside it works as any
                assertSame(t.shadows.arrayShadow(a), t.shadows.arrayShadow(a, Shadows.MAX_SITES));
                assertSame(t.shadows.arrayShadow(a), t.shadows.arrayShadow(a, Shadows.MAX_SITES - 1));
                assertSame(t.shadows.arrayShadow(b), t.shadows.arrayShadow(b, Shadows.MAX_SITES - 1));
            } finally {
                t.close();
            }
        }
    }

    /**
     * A recording's site tables end with it: nothing of the program is kept alive by them, and the next recording of
     * the same tape does not see the last one's shadow of an array that has none now.
     */
    @Test
    void aSiteTableEndsWithItsRecording() {
        int id = Ops.newShadowSite();
        double[] x = {1.0, 2.0};
        Tape t = Tape.open();
        try {
            Ops.seed(x, t);
            assertTrue(Slot.isActive(new Site(id).read(x, 0, t)));
            assertTrue(t.shadows.sitesHeld() > 0);
        } finally {
            t.close();
        }
        assertEquals(0, t.shadows.sitesHeld(), "the closed recording's tables hold no array");
        Tape t2 = Tape.open();
        try {
            assertSame(t, t2, "this thread's tape is reused");
            assertTrue(Slot.isPassive(new Site(id).read(x, 0, t2)), "x has no shadow in this recording");
        } finally {
            t2.close();
        }
    }

    /** An element changed by code Adjoint does not see is refused through a cached shadow too. */
    @Test
    void aStaleElementIsRefusedThroughTheCache() {
        Tape t = Tape.open();
        try {
            double[] x = {1.0, 2.0};
            Ops.seed(x, t);
            Site site = new Site();
            assertEquals(0, Slot.node(site.read(x, 0, t)));
            x[1] = 2.5; // uninstrumented code
            assertThrows(NotDifferentiableException.class, () -> site.read(x, 1, t));
        } finally {
            t.close();
        }
    }

    /** A nested recording has its own shadows and generation; the enclosing recording's caches stay right. */
    @Test
    void aNestedRecordingHasItsOwnGeneration() {
        Tape outer = Tape.open();
        try {
            double[] x = {1.0, 2.0};
            Ops.seed(x, outer);
            Site site = new Site();
            assertEquals(1, Slot.node(site.read(x, 1, outer)));
            long g = Ops.shadowGeneration(outer);
            Tape inner = Tape.open();
            try {
                Site innerSite = new Site();
                assertTrue(Slot.isPassive(innerSite.read(x, 1, inner)), "the outer input is data here");
                Ops.seed(new double[] {3.0}, inner);
                double[] z = new double[1];
                Ops.dastore(z, 0, inner.input(1.0), inner);
                assertTrue(Slot.isPassive(innerSite.read(x, 1, inner)));
            } finally {
                inner.close();
            }
            assertEquals(g, Ops.shadowGeneration(outer));
            assertEquals(1, Slot.node(site.read(x, 1, outer)));
        } finally {
            outer.close();
        }
    }
}
