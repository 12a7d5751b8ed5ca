package io.adjoint.it;

import io.adjoint.Derivative;
import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.internal.Tape;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.Check.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the function throws reaches the caller of at() unchanged; the thread's next gradient is right. */
class ExceptionTest {

    /** A checked exception, thrown through ScalarFunction.apply (which declares none). */
    static final class ModelException extends Exception {
        private static final long serialVersionUID = 1L;

        ModelException(String message) {
            super(message);
        }
    }

    /** The last exception the model threw, to check that the caller gets that very object. */
    static Throwable lastThrown;

    static double model(double[] x) {
        double acc = 0;
        for (int i = 0; i < x.length; i++) {
            acc += x[i] * x[i];
        }
        return acc + level1(x, acc);
    }

    private static double level1(double[] x, double acc) {
        return Math.sin(acc) * level2(x, acc, 3);
    }

    private static double level2(double[] x, double acc, int depth) {
        if (depth > 0) {
            return level2(x, acc * 0.5, depth - 1) + x[0];
        }
        if (x[0] < 0) {
            RuntimeException e = new IllegalArgumentException("negative input " + x[0] + " (acc=" + acc + ")");
            lastThrown = e;
            throw e;
        }
        if (x[0] > 100) {
            ModelException e = new ModelException("too large: " + x[0]);
            lastThrown = e;
            throw ExceptionTest.<RuntimeException>sneaky(e);
        }
        if (x.length > 1 && x[1] == 13) {
            int zero = (int) (x[0] * 0);
            return x[0] / 2 + 1 / zero; // ArithmeticException from the JVM itself
        }
        return x[0] * acc;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable e) throws E {
        throw (E) e;
    }

    /** d/dx model at x, by hand. model = s + sin(s) * (3 x0 + x0 * s / 8), s = sum x_i^2. */
    private static double[] expected(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        double inner = 3 * x[0] + x[0] * s / 8;
        double dfds = 1 + Math.cos(s) * inner + Math.sin(s) * x[0] / 8;
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            g[i] = dfds * 2 * x[i];
        }
        g[0] += Math.sin(s) * (3 + s / 8);
        return g;
    }

    @Test
    void runtimeExceptionReachesTheCallerUnchanged() {
        Gradient g = Gradients.of(ExceptionTest::model);
        double[] good = {0.5, -0.25, 1.5};
        Check.gradient(expected(good), g.at(good), ANALYTIC, "before");
        for (int round = 0; round < 50; round++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.at(-1.5, 2.0, 0.5));
            assertSame(lastThrown, e, "the very exception the function threw");
            assertEquals("negative input -1.5 (acc=0.8125)", e.getMessage());
            assertNull(Tape.current(), "no recording is left open on this thread");
            Check.gradient(expected(good), g.at(good), ANALYTIC, "next call on the same thread, round " + round);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.valueAndGradient(-2.0, 0.0, 0.0));
        assertSame(lastThrown, e);
        assertEquals("negative input -2.0 (acc=0.5)", e.getMessage());
        assertEquals(IllegalArgumentException.class, e.getClass());
    }

    @Test
    void checkedExceptionReachesTheCallerUnchanged() {
        Gradient g = Gradients.of(ExceptionTest::model);
        ModelException e = assertThrows(ModelException.class, () -> g.at(101.0, 1.0));
        assertSame(lastThrown, e);
        assertEquals("too large: 101.0", e.getMessage());
        assertNull(Tape.current());
        double[] good = {2.0, 1.0};
        Check.gradient(expected(good), g.at(good), ANALYTIC, "after checked exception");
    }

    @Test
    void exceptionFromTheJvmItself() {
        Gradient g = Gradients.of(ExceptionTest::model);
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> g.at(1.0, 13.0));
        assertEquals("/ by zero", e.getMessage());
        assertNull(Tape.current());
        double[] good = {1.0, 12.0};
        Check.gradient(expected(good), g.at(good), ANALYTIC, "after ArithmeticException");
    }

    @Test
    void exceptionFromDerivative() {
        Derivative d = Gradients.derivative(x -> {
            if (x > 1) {
                throw new IllegalStateException("x = " + x + " is out of range");
            }
            return x * x * x;
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.at(2.5));
        assertEquals("x = 2.5 is out of range", e.getMessage());
        assertNull(Tape.current());
        Check.close(3 * 0.25, d.at(0.5), ANALYTIC, "after the exception");
    }
}
