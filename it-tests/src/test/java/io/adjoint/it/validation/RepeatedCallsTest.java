package io.adjoint.it.validation;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many calls of one gradient on one thread: the input's shadow is reused from call to call (same length) and
 * the input array is found without hashing. Nothing of a previous call may show in the next one, whatever the
 * function does with its input array, and an input element changed by uninstrumented code is refused at every
 * call, not only at the first.
 */
class RepeatedCallsTest {
    /** Writes active values into its own input, reads them back, and leaves some elements as data. */
    static double writesItsInput(double[] x) {
        x[0] = x[0] * x[1];          // active into the input
        x[x.length - 1] = 3.0;       // passive into the input: that element is data from here on
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (i + 1) * x[i];
        }
        return s;
    }

    /** d/dx of writesItsInput: x0 x1 + sum_{1 <= i < n-1} (i+1) x_i + 3n. */
    static double[] writesItsInputGradient(double[] x) {
        double[] g = new double[x.length];
        g[0] = x[1];
        g[1] = x[0];
        for (int i = 1; i < x.length - 1; i++) {
            g[i] += i + 1;
        }
        return g;
    }

    @Test
    void callsOfChangingLengthAndValuesStayExact() {
        Gradient g = Gradients.of(RepeatedCallsTest::writesItsInput);
        int[] lengths = {3, 3, 4, 4, 3, 5, 3, 3};
        for (int call = 0; call < lengths.length; call++) {
            double[] x = new double[lengths[call]];
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.cos(call * 0.7 + i);
            }
            double[] before = x.clone();
            assertArrayEquals(writesItsInputGradient(x), g.at(x), 1e-15, "call " + call);
            assertArrayEquals(before, x, 0.0, "the caller's array is untouched");
        }
    }

    /** The input array itself changed by uninstrumented code, then read again. */
    static double inputChangedBehindTheTape(double[] x) {
        ExcludedLib.overwriteFirst(x);   // excluded from instrumentation: writes x[0] = 42
        return x[0] * x[1];
    }

    @Test
    void anInputElementChangedByUninstrumentedCodeIsRefusedAtEveryCall() {
        Gradient g = Gradients.of(RepeatedCallsTest::inputChangedBehindTheTape);
        for (int call = 0; call < 4; call++) {
            double[] x = {1.0 + call, 2.0};
            NotDifferentiableException e = assertThrows(NotDifferentiableException.class, () -> g.at(x),
                    "call " + call);
            assertTrue(e.getMessage().contains("overwritten"), e.getMessage());
        }
        // the same gradient on the same thread still works for a function that does not do that
        Gradient ok = Gradients.of(x -> x[0] * x[1]);
        assertArrayEquals(new double[] {2.0, 1.0}, ok.at(1.0, 2.0), 0.0);
    }
}
