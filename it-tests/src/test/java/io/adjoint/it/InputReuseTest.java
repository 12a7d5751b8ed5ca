package io.adjoint.it;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gradient copies its input; when the function provably keeps nothing of its argument, the copy is one array
 * per thread reused call after call (agent twin/ArgumentEscape). Nobody may be able to tell: functions that keep
 * their argument (memoising by reference, the way a cache would) still get a fresh array each call, a reused copy
 * is still not the caller's array nor one the function captured, and it is refilled every call.
 */
class InputReuseTest {

    static double sumOfSquares(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
        }
        return s;
    }

    @Test
    void aFunctionThatKeepsNothingAllocatesNothingPerCall() {
        int n = 50_000;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.001 * i;
        }
        double[] g = new double[n];
        Gradient grad = Gradients.of(InputReuseTest::sumOfSquares);
        for (int i = 0; i < 5; i++) { // the tape, the shadow and the copy grow to their size
            grad.valueAndGradientInto(x, g);
        }
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = bean.getThreadAllocatedBytes(Thread.currentThread().getId());
        int calls = 20;
        for (int i = 0; i < calls; i++) {
            grad.valueAndGradientInto(x, g);
        }
        long perCall = (bean.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / calls;
        // a fresh copy would be 8 n = 400 kB per call
        assertTrue(perCall < 8L * n / 8, "allocated " + perCall + " bytes per call");
        for (int i = 0; i < n; i++) {
            assertEquals(2 * x[i], g[i], 0.0);
        }
    }

    // ---- functions that keep their argument: each remembers the last array it saw, as a cache by reference would

    static double[] lastSeen;
    static double lastValue;

    static double memoisedByReference(double[] x) {
        if (x == lastSeen) {
            return lastValue;
        }
        double v = x[0] * x[1];
        lastSeen = x;
        lastValue = v;
        return v;
    }

    static final class Cache {
        double[] seen;
        double value;

        double get(double[] x) {
            if (x != seen) {
                seen = x;
                value = x[0] * x[1];
            }
            return value;
        }
    }

    static double memoisedInObject(Cache c, double[] x) {
        return c.get(x);
    }

    static final List<double[]> SEEN = new ArrayList<>();

    static double rememberedInList(double[] x) {
        for (double[] s : SEEN) {
            if (s == x) {
                return 0; // "seen before": a reused array would come back here
            }
        }
        SEEN.add(x);
        return x[0] * x[1];
    }

    @Test
    void functionsThatKeepTheirArgumentStillGetAFreshCopyEachCall() {
        Cache cache = new Cache();
        List<Gradient> functions = List.of(Gradients.of(InputReuseTest::memoisedByReference),
                Gradients.of(p -> memoisedInObject(cache, p)), Gradients.of(InputReuseTest::rememberedInList));
        for (Gradient f : functions) {
            lastSeen = null;
            SEEN.clear();
            assertArrayEquals(new double[] {2, 1}, f.at(1, 2), 0.0);
            assertArrayEquals(new double[] {4, 3}, f.at(3, 4), 0.0); // a reused array would answer from the cache
            double[] g = new double[2];
            assertEquals(30, f.valueAndGradientInto(new double[] {5, 6}, g), 0.0);
            assertArrayEquals(new double[] {6, 5}, g, 0.0);
        }
    }

    /** A method reference bound to a receiver: the receiver's class selects the method, so the answer differs. */
    abstract static class Model {
        abstract double value(double[] x);
    }

    static final class Plain extends Model {
        @Override
        double value(double[] x) {
            return x[0] * x[1];
        }
    }

    static final class Memoising extends Model {
        private double[] seen;
        private double last;

        @Override
        double value(double[] x) {
            if (x != seen) {
                seen = x;
                last = x[0] * x[1];
            }
            return last;
        }
    }

    static Gradient gradientOf(Model m) {
        return Gradients.of(m::value); // one lambda class for every receiver
    }

    @Test
    void aBoundReceiversClassDecidesForItself() {
        assertArrayEquals(new double[] {2, 1}, gradientOf(new Plain()).at(1, 2), 0.0);
        Gradient memoising = gradientOf(new Memoising());
        assertArrayEquals(new double[] {2, 1}, memoising.at(1, 2), 0.0);
        assertArrayEquals(new double[] {4, 3}, memoising.at(3, 4), 0.0); // the plain model's answer would reuse
    }

    static double weighted(double[] p, double[] weights) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            s += p[i] * weights[i];
        }
        return s;
    }

    @Test
    void theReusedCopyIsNeitherTheCallersArrayNorOneTheFunctionCaptured() {
        double[] anchor = {1, 2, 3};
        Gradient g = Gradients.of(p -> weighted(p, anchor));
        for (int i = 0; i < 3; i++) {
            // evaluated at the very array it captured: d/dp sum p_i a_i = a (not 2p, which an aliased input would give)
            assertArrayEquals(new double[] {1, 2, 3}, g.at(anchor), 0.0);
        }
        assertArrayEquals(new double[] {1, 2, 3}, anchor, 0.0);
    }

    static double doublesItsFirstElement(double[] p) {
        p[0] = 2 * p[0];
        return p[0] * p[1];
    }

    @Test
    void theReusedCopyIsRefilledEveryCallAndTheCallersArrayIsNotWritten() {
        Gradient g = Gradients.of(InputReuseTest::doublesItsFirstElement);
        double[] x = {3, 5};
        for (int i = 0; i < 3; i++) {
            // f = 2 x0 x1: the function's own write stays in the copy
            assertEquals(30, g.valueAndGradient(x).value(), 0.0);
            assertArrayEquals(new double[] {10, 6}, g.at(x), 0.0);
            assertArrayEquals(new double[] {3, 5}, x, 0.0);
        }
        // inputs of other lengths in between
        assertArrayEquals(new double[] {2, 2, 0}, g.at(1, 1, 7), 0.0);
        assertArrayEquals(new double[] {10, 6}, g.at(x), 0.0);
    }

    @Test
    void threadsEachHaveTheirOwnCopy() throws Exception {
        Gradient g = Gradients.of(InputReuseTest::sumOfSquares);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                double base = t + 1;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        double[] x = {base, base + i, -base};
                        assertArrayEquals(new double[] {2 * base, 2 * (base + i), -2 * base}, g.at(x), 0.0);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aGradientInsideTheFunctionUsesItsOwnCopy() {
        Gradient inner = Gradients.of(InputReuseTest::sumOfSquares);
        // a gradient of constants inside the recorded function: a recording of its own, with its own tape and copy
        Gradient outer = Gradients.of(p -> p[0] * inner.at(2, 1)[0] + p[1] * sumOfSquares(p));
        for (int i = 0; i < 3; i++) {
            // f = 4 p0 + p1 (p0^2 + p1^2): (4 + 2 p0 p1, p0^2 + 3 p1^2)
            assertArrayEquals(new double[] {4 + 24, 9 + 48}, outer.at(3, 4), 1e-12);
        }
    }
}
