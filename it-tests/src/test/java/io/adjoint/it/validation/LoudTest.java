package io.adjoint.it.validation;

import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Where no exact derivative exists, NotDifferentiableException names the callee and the caller's class, method and
 * source line, in reverse and in forward mode. Passive uses of active values work.
 */
class LoudTest {

    @Test
    void opaqueCallReturningADoubleHolder() {
        V.loud("OptionalDouble.of", LoudTarget::optional, new double[] {1.0, 2.0},
                "java.util.OptionalDouble.of(D)Ljava/util/OptionalDouble;", "LoudTarget.java", "optional");
    }

    @Test
    void bitsOfAnActiveValueAndBack() {
        V.loud("doubleToRawLongBits", LoudTarget::rawBits, new double[] {-1.5}, "Double.longBitsToDouble",
                "LoudTarget.java", "rawBits");
        V.loud("doubleToLongBits", LoudTarget::bits, new double[] {1.5, 2.0}, "Double.longBitsToDouble",
                "LoudTarget.java", "bits");
    }

    /**
     * BUG (silent wrong gradient): the bits rule refuses only at Double.longBitsToDouble; bits turned back into a
     * double by arithmetic ((bits & mask) * 2^-52, an L2D conversion, table lookups) come out as constants.
     * commons-math3's and Hipparchus's FastMath.log are built this way, which is why calls of them use rules.
     * Input 1.25: the L2D after the bits were taken is refused (it used to give 0.0, silently).
     */
    @Test
    void bitTrickWithoutLongBitsToDouble() {
        V.exactOrLoud("mantissa bits", LoudTarget::mantissa, new double[] {1.25}, new double[] {1.0}, ANALYTIC);
    }

    /**
     * The bits rule is recording-wide: once bits of an active value were taken (here for a hash, which is fine),
     * any later longBitsToDouble in the same gradient call is refused, even one that makes an unrelated constant.
     * Conservative (loud where the gradient would have been right), documented as such in COVERAGE.md.
     */
    @Test
    void longBitsToDoubleAfterBitsWereTakenIsRefusedConservatively() {
        V.loud("bits then unrelated", LoudTarget::bitsThenUnrelated, new double[] {1.5}, "Double.longBitsToDouble",
                "LoudTarget.java", "bitsThenUnrelated");
    }

    /**
     * A value that round-trips through text (String.valueOf, then Double.parseDouble) would come back as a constant:
     * parsing after an active value became text is refused (it used to give (0, 3) silently at (1.5, 2.0)).
     */
    @Test
    void valueRoundTrippedThroughText() {
        V.loud("through text", LoudTarget::throughText, new double[] {1.5, 2.0}, "Double.parseDouble", "LoudTarget.java",
                "throughText");
    }

    /** Arrays.stream(x).map(...).sum(): the stream rules make it exact (it used to be refused, never silent). */
    @Test
    void jdkStreamOverActiveValues() {
        V.gradient("Arrays.stream", LoudTarget::stream, new double[] {1.0, 2.0, 3.0}, new double[] {2, 4, 6}, ANALYTIC);
        V.gradient("Arrays.stream of a copy", LoudTarget::streamOfCopy, new double[] {1.0, 2.0}, new double[] {1, 1},
                ANALYTIC);
    }

    @Test
    void passiveUsesOfActiveValues() {
        double[] x = {0.5, 2.0};
        V.gradient("passive uses", LoudTarget::passiveUses, x, new double[] {x[1], x[0]}, ANALYTIC);
    }

    /**
     * A gradient asked for inside a function being differentiated (a varargs call at a boundary: its array must
     * reach Gradient.at as it is): refused when its point is active (no nested differentiation), a constant of the
     * outer function when its point is passive; String.format's varargs work on active values.
     */
    @Test
    void gradientInsideADifferentiatedFunction() {
        V.loud("nested gradient", LoudTarget::gradientOfActivePoint, new double[] {1.0, 2.0},
                "its own API: io.adjoint.Gradients$ReverseGradient.at([D)[D", "LoudTarget.java", "gradientOfActivePoint");
        double[] x = {1.5, 2.0};
        V.gradient("nested gradient, passive point", LoudTarget::gradientOfPassivePoint, x, new double[] {0, 3.0},
                ANALYTIC);
    }

    /**
     * The same Gradient object asked again inside its own function on the same thread (its cached thread pool
     * must still give the nested call a tape of its own): 6 x0^2, so 12 x0, and the outer recording goes on.
     */
    @Test
    void theSameGradientInsideItsOwnFunction() {
        for (int i = 0; i < 3; i++) {
            io.adjoint.ValueAndGradient vg = LoudTarget.SELF.valueAndGradient(1.5);
            assertEquals(6 * 1.5 * 1.5, vg.value(), 0.0);
            assertArrayEquals(new double[] {12 * 1.5}, vg.gradient(), 0.0);
            assertArrayEquals(new double[] {6.0, 0.0}, LoudTarget.SELF.at(3.0, 0.0), 0.0);
            assertNull(io.adjoint.internal.Tape.current(), "no recording left open");
        }
    }
}
