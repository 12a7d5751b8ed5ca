package io.adjoint.it.validation;

import io.adjoint.Gradients;
import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.adjoint.it.validation.V.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** clone, System.arraycopy, Arrays.copyOf/copyOfRange/fill/sort, arrays of arrays, arrays through methods and fields. */
class ArraysTest {
    private static final double[] X = {0.7, -1.3, 2.1, 0.4, -0.2};

    @Test
    void cloneIsIndependentOfTheOriginal() {
        double[] expected = {2, 2, 3, 4, 5};
        V.gradient("clone", ArraysTarget::cloned, X, expected, ANALYTIC);
    }

    @Test
    void systemArraycopyIncludingOverlap() {
        double[] expected = new double[X.length];
        expected[0] = 5;
        for (int k = 1; k < X.length; k++) {
            expected[k] = k + 3;
        }
        V.gradient("arraycopy", ArraysTarget::arraycopy, X, expected, ANALYTIC);
    }

    @Test
    void copyOfAndCopyOfRange() {
        double[] expected = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            expected[i] = (i + 1) + 10 * i;
        }
        V.gradient("copyOf", ArraysTarget::copyOf, X, expected, ANALYTIC);
    }

    @Test
    void fill() {
        double[] x = {1.5, -0.5};
        V.gradient("fill", ArraysTarget::fill, x, new double[] {7 * x[1], 7 * x[0]}, ANALYTIC);
    }

    /** The gradient follows the values: d/dx_i = 1 + rank of x_i. */
    @Test
    void sortCarriesDerivativesWithTheValues() {
        double[] sorted = X.clone();
        Arrays.sort(sorted);
        double[] expected = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            expected[i] = 1 + Arrays.binarySearch(sorted, X[i]);
        }
        V.gradient("sort", ArraysTarget::sort, X, expected, ANALYTIC);
        double[] range = Arrays.copyOfRange(X, 1, X.length - 1);
        Arrays.sort(range);
        double[] expectedRange = new double[X.length];
        expectedRange[0] = 1;
        expectedRange[X.length - 1] = X.length;
        for (int i = 1; i < X.length - 1; i++) {
            expectedRange[i] = 2 + Arrays.binarySearch(range, X[i]);
        }
        V.gradient("sort range", ArraysTarget::sortRange, X, expectedRange, ANALYTIC);
    }

    @Test
    void arraysOfArraysWithAliasingAndShallowClone() {
        double[] x = {0.9, -0.6};
        V.gradient("double[][]", ArraysTarget::matrix, x, new double[] {2 + x[1], 6 + x[0]}, ANALYTIC);
    }

    @Test
    void arraysPassedBetweenMethodsAndStoredInFields() {
        double[] expected = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            expected[0] += (i + 1) * X[i];
        }
        expected[0] += X[0];
        for (int k = 1; k < X.length; k++) {
            expected[k] = (k + 1) * X[0];
        }
        V.gradient("passed around", ArraysTarget::passedAround, X, expected, ANALYTIC);
    }

    @Test
    void twoDimensionalArrayFromMultianewarray() {
        double[] x = {0.5, -1.1, 1.7};
        double s = 0, w = 0;
        for (int i = 0; i < 3; i++) {
            s += x[i];
            w += (i + 1) * x[i];
        }
        double[] expected = new double[3];
        for (int k = 0; k < 3; k++) {
            expected[k] = w + s * (k + 1) + 3 * x[k] * x[k];
        }
        V.gradient("multianewarray", ArraysTarget::matVec, x, expected, ANALYTIC);
    }

    /** Uninstrumented code overwrote an element holding an active value: never a stale gradient. */
    @Test
    void arrayChangedByUninstrumentedCodeIsRefused() {
        for (var f : new io.adjoint.ScalarFunction[] {ArraysTarget::changedBehindTheTape, ArraysTarget::changedByTheJdk}) {
            NotDifferentiableException e = assertThrows(NotDifferentiableException.class,
                    () -> Gradients.of(f).at(1.0, 2.0));
            assertTrue(e.getMessage().contains("overwritten"), e.getMessage());
            assertThrows(NotDifferentiableException.class, () -> Gradients.forward(f).at(1.0, 2.0));
        }
    }

    /** The same for the function's input itself, which it keeps to itself: reused call after call, then changed. */
    @Test
    void inputChangedByUninstrumentedCodeIsRefused() {
        for (var f : new io.adjoint.ScalarFunction[] {ArraysTarget::inputChangedBehindTheTape,
                ArraysTarget::inputChangedByTheJdk}) {
            io.adjoint.Gradient g = Gradients.of(f);
            double[] large = filled(5000, 1.5); // a private input whose shadow is not written (core Shadows)
            for (int call = 0; call < 3; call++) {
                NotDifferentiableException e = assertThrows(NotDifferentiableException.class, () -> g.at(1.0, 2.0));
                assertTrue(e.getMessage().contains("overwritten"), e.getMessage());
                e = assertThrows(NotDifferentiableException.class, () -> g.at(large));
                assertTrue(e.getMessage().contains("overwritten"), e.getMessage());
            }
            assertThrows(NotDifferentiableException.class, () -> Gradients.forward(f).at(1.0, 2.0));
        }
    }

    /**
     * The trust in a private input ends with its recording: the thread's next recording of the same length reuses its
     * shadow for an input that is not private (the function keeps it), and a change behind the tape is refused.
     */
    @Test
    void theTrustInAPrivateInputEndsWithItsRecording() {
        for (int round = 0; round < 3; round++) {
            Gradients.of(ArraysTarget::inputRewritten).at(1.0, 2.0);
            NotDifferentiableException e = assertThrows(NotDifferentiableException.class,
                    () -> Gradients.of(ArraysTarget::inputKeptThenChanged).at(1.0, 2.0));
            assertTrue(e.getMessage().contains("overwritten"), e.getMessage());
        }
    }

    /** f = 3 x0 x1 + 9 x1^2 computed in the input array itself: grad = (3 x1, 3 x0 + 18 x1). */
    @Test
    void inputRewrittenByTheFunction() {
        double[] x = {1.5, -0.7};
        V.gradient("input rewritten", ArraysTarget::inputRewritten, x,
                new double[] {3 * x[1], 3 * x[0] + 18 * x[1]}, ANALYTIC);
        assertTrue(x[0] == 1.5 && x[1] == -0.7, "the caller's array is left alone");
    }

    /**
     * A large private input's shadow is made only when needed (its first write, or a rule asking for it): element sites
     * that looked it up before, in their locals or their site tables, must see it from then on. Inputs of 5,000 (core
     * Tape.UNWRITTEN_INPUT_FROM is 4,096) and of 3; each call twice, the second on the thread's reused input copy.
     */
    @Test
    void inputReadBeforeAndAfterItsShadowIsMade() {
        for (int n : new int[] {5000, 3}) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = 0.7 - 0.001 * i;
            }
            double[] keep = x.clone();
            double[] readWritten = filled(n, 2), byHelper = filled(n, 2), copied = filled(n, 3);
            readWritten[0] = 4;
            byHelper[0] = 2 + x[1];
            byHelper[1] = 1 + x[0];
            copied[0] = 4;
            for (int call = 0; call < 2; call++) {
                V.gradient("read, written, read again", ArraysTarget::inputReadBeforeAndAfterAWrite, x, readWritten,
                        ANALYTIC);
                V.gradient("read by a helper, written, read again",
                        ArraysTarget::inputReadByAHelperBeforeAndAfterAWrite, x, byHelper, ANALYTIC);
                V.gradient("read, copied, read again", ArraysTarget::inputReadCopiedAndReadAgain, x, copied, ANALYTIC);
            }
            assertTrue(Arrays.equals(x, keep), "the caller's array is left alone");
        }
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }

    @Test
    void fieldChangedByUninstrumentedCodeIsRefused() {
        NotDifferentiableException e = assertThrows(NotDifferentiableException.class,
                () -> Gradients.of(ArraysTarget::fieldChangedBehindTheTape).at(1.0, 2.0));
        assertTrue(e.getMessage().contains("overwritten"), e.getMessage());
    }
}
