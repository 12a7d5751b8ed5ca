package io.adjoint.it.validation;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ObjectStreamClass;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.adjoint.it.validation.V.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In-object field shadows (FieldShadowsTarget): each check can fail if a stale or foreign shadow were believed. */
class FieldShadowsTest {
    private static final String FIELD = "adjoint$shadow";

    private static Field shadowField(Class<?> c) {
        try {
            return c.getDeclaredField(FIELD);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    /** With -javaagent every class of the application is transformed at load and gets the field. */
    private static boolean loadedWithAgent() {
        return "javaagent".equals(System.getProperty("adjoint.it.mode"));
    }

    @Test
    void theShadowFieldIsPrivateTransientSyntheticAndChangesNoSerialVersionUid() {
        Gradients.of(FieldShadowsTarget::build).at(1.0, 2.0); // self-attach: attached before the classes below load
        for (Class<?> c : List.of(FieldShadowsTarget.Point.class, FieldShadowsTarget.Base.class,
                FieldShadowsTarget.Derived.class, FieldShadowsTarget.Pair.class)) {
            Field f = shadowField(c);
            if (f == null) {
                assertFalse(loadedWithAgent(), c + " was loaded with -javaagent: it should carry " + FIELD + ", not only "
                        + Arrays.toString(c.getDeclaredFields()));
                continue;
            }
            int m = f.getModifiers();
            assertTrue(Modifier.isPrivate(m) && Modifier.isTransient(m) && !Modifier.isStatic(m) && f.isSynthetic()
                    && !Modifier.isFinal(m), c + ": " + f);
            assertEquals(long[].class, f.getType());
        }
        assertNull(shadowField(FieldShadowsTarget.Shape.class), "interfaces have no instance fields");
        assertNull(shadowField(FieldShadowsTarget.class), "a class without double instance fields gets none");
        // the value the same class file gives without any agent (javac 17, -source 17)
        assertEquals(-4606028604593884043L, ObjectStreamClass.lookup(FieldShadowsTarget.Point.class)
                .getSerialVersionUID(), "a private transient field leaves the default serialVersionUID alone");
        FieldShadowsTarget.Pair p = new FieldShadowsTarget.Pair(1.0, 2.0);
        assertEquals(2, FieldShadowsTarget.Pair.class.getRecordComponents().length);
        assertEquals("Pair[a=1.0, b=2.0]", p.toString());
        assertEquals(new FieldShadowsTarget.Pair(1.0, 2.0), p);
        assertEquals(new FieldShadowsTarget.Pair(1.0, 2.0).hashCode(), p.hashCode());
    }

    /**
     * An object written by one recording is data for the next. The inputs are chosen so that a stale slot would
     * pass the freshness check (same node index, same value): believing it would give a silently wrong gradient.
     */
    @Test
    void objectsFromAnEarlierRecordingArePassive() {
        double[] x = {0.7, -1.2};
        V.gradient("build", FieldShadowsTarget::build, x, new double[] {x[1], x[0]}, ANALYTIC);
        FieldShadowsTarget.Point kept = FieldShadowsTarget.kept;
        assertEquals(x[0], kept.x);
        // node 0 of the next recording is its first input, with the value kept.x had as node 0 before
        double[] z = {kept.x, kept.y};
        double[] g = Gradients.of(FieldShadowsTarget::useKept).at(z);
        V.compare("kept object read", new double[] {kept.x, 0}, g, ANALYTIC);
        // a write to one field of the kept object must not revive the other field's old slot (node 1, value kept.y)
        FieldShadowsTarget.Point k = FieldShadowsTarget.kept;
        double y = k.y;
        V.compare("kept object rewritten", new double[] {2 * y, 0},
                Gradients.of(FieldShadowsTarget::rewriteKept).at(x[0], y), ANALYTIC);
        assertEquals(2 * x[0], k.x);
    }

    /** x chosen so that a.v == b.v: a shadow array shared by the clone would pass the freshness check. */
    @Test
    void aCloneHasItsOwnShadows() {
        double[] x = {1.5, 1.0};
        V.gradient("clones", FieldShadowsTarget::clones, x, new double[] {10 + 6 * x[1], 6 * x[0]}, ANALYTIC);
    }

    @Test
    void aFieldOverwrittenByUninstrumentedCodeIsRefused() {
        V.loud("overwritten", FieldShadowsTarget::overwritten, new double[] {0.5, 2.0},
                "overwritten by code Adjoint does not instrument", null, null);
    }

    @Test
    void aSubclassFieldHidingASuperclassFieldOfTheSameName() {
        double[] x = {0.8, -0.3};
        double a = x[0], b = x[1];
        // f = 3a + 5b + ab + 3b * b
        V.gradient("hiding", FieldShadowsTarget::hiding, x, new double[] {3 + b, 5 + a + 6 * b}, ANALYTIC);
    }

    @Test
    void recordsWithDoubleComponents() {
        double[] x = {1.5, -0.5};
        double a = x[0], b = x[1];
        // f = ab (a + b) + 2 (a + b) + 1
        V.gradient("pairs", FieldShadowsTarget::pairs, x,
                new double[] {2 * a * b + b * b + 2, a * a + 2 * a * b + 2}, ANALYTIC);
    }

    @Test
    void aJdkClassKeepsTheRecordingsMap() {
        double[] x = {0.6, 1.7};
        V.gradient("Point2D.Double", FieldShadowsTarget::jdkFields, x, new double[] {2 * x[1], 2 * x[0]}, ANALYTIC);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void threadsOverSharedAndPrivateObjects() throws Exception {
        int threads = 8, calls = 300;
        Gradient shared = Gradients.of(FieldShadowsTarget::sharedAndPrivate);
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int k = t;
                results.add(pool.submit(() -> {
                    start.await();
                    Gradient own = Gradients.of(FieldShadowsTarget::sharedAndPrivate);
                    for (int c = 0; c < calls; c++) {
                        double[] x = {0.5 + 0.1 * k + 0.001 * c, 1.1 - 0.05 * k};
                        double[] expected = {4.5 * x[0] * x[0] * (x[1] - 0.5), 1.5 * x[0] * x[0] * x[0] + 1.5};
                        double[] g = (c % 2 == 0 ? shared : own).at(x);
                        for (int i = 0; i < 2; i++) {
                            if (!(Math.abs(g[i] - expected[i]) <= ANALYTIC * Math.abs(expected[i]))) {
                                return "thread " + k + " call " + c + ": " + Arrays.toString(g) + " expected "
                                        + Arrays.toString(expected);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<String> f : results) {
                assertNull(f.get(100, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1.5, FieldShadowsTarget.SHARED.x, "the shared object is read only");
    }

    @Test
    void nestedRecordingsKeepEachOthersShadows() {
        double[] x = {0.9, -0.4};
        // inner: d/dy0 (3 y0 y1 + y0 outer.x) at (0.5, 0.25) = 0.75 + 2 x0, a constant for the outer recording
        double[] g = V.gradient("nested", FieldShadowsTarget::nestedOuter, x, new double[] {2 * x[1], 2 * x[0]},
                ANALYTIC);
        assertNotNull(g);
        V.close(2 * x[0] * x[1] + 0.75 + 2 * x[0], FieldShadowsTarget.nestedOuter(x.clone()), ANALYTIC, 0, "value");
    }

    /** The inner recording's write must be active in the inner recording (g = 2), the outer's slots kept. */
    @Test
    void aNestedRecordingWritingAnObjectOfTheEnclosingOne() {
        double[] x = {0.9, -0.4};
        V.gradient("nested write", FieldShadowsTarget::nestedInnerWritesOuterObject, x,
                new double[] {2 * x[1] + 2, 2 * x[0]}, ANALYTIC);
        V.loud("nested write, read again", FieldShadowsTarget::nestedOuterReadsAgain, x,
                "overwritten by code Adjoint does not instrument", null, null);
    }
}
