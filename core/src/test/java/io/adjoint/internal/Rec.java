package io.adjoint.internal;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Test helpers: record one call of a rule on a fresh tape and sweep it; tolerant comparisons. */
final class Rec {
    private Rec() {
    }

    static final String MATH = "java/lang/Math";
    static final String STRICT = "java/lang/StrictMath";

    /**
     * One recording: the result slot, its primal value (read before the sweep, which consumes the
     * recorded values), whether it is active, how many nodes the tape held, and the adjoints of the
     * active arguments in argument order.
     */
    record Run(long slot, double primal, boolean active, int nodes, double[] grad) {
    }

    static MethodHandle rule(String owner, String name, String desc) {
        MethodHandle h = Primitives.lookup(owner, name, desc);
        assertNotNull(h, () -> "no rule for " + owner + "." + name + desc);
        return h;
    }

    /**
     * Calls {@code rule} with {@code args} (Double arguments become slots, Integer ones stay ints);
     * Double argument {@code i} is an independent variable of the tape when {@code active[i]}, else a
     * passive constant. Inputs are created first, in argument order.
     */
    static Run run(MethodHandle rule, Object[] args, boolean... active) {
        Tape t = Tape.open();
        try {
            List<Object> call = new ArrayList<>();
            int inputs = 0;
            int d = 0;
            for (Object a : args) {
                if (a instanceof Double v) {
                    if (active.length > d && active[d]) {
                        call.add(t.input(v));
                        inputs++;
                    } else {
                        call.add(Slot.passive(v));
                    }
                    d++;
                } else {
                    call.add(a);
                }
            }
            call.add(t);
            long r;
            try {
                r = (long) rule.invokeWithArguments(call);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
            double primal = t.primal(r);
            boolean act = Slot.isActive(r);
            int nodes = t.size();
            double[] g = t.gradient(r, inputs);
            return new Run(r, primal, act, nodes, g);
        } finally {
            t.close();
        }
    }

    static Run run1(MethodHandle rule, double x, boolean active) {
        return run(rule, new Object[] {x}, active);
    }

    /**
     * |actual - expected| <= rel * |expected|; equal values (infinities, zeros of either sign) and two
     * NaNs also pass.
     */
    static boolean close(double expected, double actual, double rel) {
        if (expected == actual) {
            return true;
        }
        if (Double.isNaN(expected) && Double.isNaN(actual)) {
            return true;
        }
        return Math.abs(actual - expected) <= rel * Math.abs(expected);
    }

    static void assertClose(double expected, double actual, double rel, String what) {
        if (!close(expected, actual, rel)) {
            fail(what + ": expected " + expected + " but was " + actual + " (rel err "
                    + Math.abs(actual - expected) / Math.abs(expected) + ", tolerance " + rel + ")");
        }
    }

    /**
     * Finite differences can only resolve a derivative when f is finite over the step, the step is far
     * above the spacing of doubles at x, and f changes across it by far more than f's own rounding.
     * A zero derivative is checkable whenever the step is: f must then not move across it.
     */
    static boolean finiteDifferencesWork(DoubleUnaryOperator f, double x, double h0, double d) {
        double fx = f.applyAsDouble(x);
        boolean ok = Double.isFinite(f.applyAsDouble(x + h0)) && Double.isFinite(f.applyAsDouble(x - h0))
                && Math.ulp(x) <= 1e-10 * h0;
        return ok && (d == 0 || Math.ulp(fx) <= 1e-10 * Math.abs(d) * h0);
    }

    /**
     * Compares {@code actual} with Richardson's estimate of f'(x) to relative tolerance {@code rel}; for a
     * zero derivative the estimate must be zero to that tolerance relative to f's own scale |f(x)| / h0.
     */
    static void assertMatchesFiniteDifferences(DoubleUnaryOperator f, double x, double h0, double actual,
                                               double rel, String what) {
        double fd = Richardson.derivative(f, x, h0);
        if (actual == 0) {
            double scale = Math.max(Math.abs(f.applyAsDouble(x)), Double.MIN_NORMAL) / h0;
            if (!(Math.abs(fd) <= rel * scale)) {
                fail(what + ": the rule gives 0 but finite differences give " + fd);
            }
            return;
        }
        assertClose(fd, actual, rel, what);
    }

    static void assertSameBits(double expected, double actual, String what) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                () -> what + ": expected " + expected + " but was " + actual + " (bits differ)");
    }

    static void assertPassive(long slot, String what) {
        assertTrue(Slot.isPassive(slot), () -> what + ": expected a passive slot");
    }
}
