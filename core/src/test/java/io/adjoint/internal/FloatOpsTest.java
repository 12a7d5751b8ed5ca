package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Float arithmetic: values bit-identical to the JVM's float ops, derivatives through float handles. */
class FloatOpsTest {

    /** Math's float overloads in the rule table, for both owners. */
    static final Set<String> ROWS = Set.of(
            "java/lang/Math.abs(F)F", "java/lang/Math.max(FF)F", "java/lang/Math.min(FF)F",
            "java/lang/StrictMath.abs(F)F", "java/lang/StrictMath.max(FF)F", "java/lang/StrictMath.min(FF)F");

    private Tape t;

    @BeforeEach
    void open() {
        t = Tape.open();
    }

    @AfterEach
    void close() {
        t.close();
    }

    /** Inputs first (nodes 0..n-1, as gradient() expects), then their float handles. */
    private float[] in(double... v) {
        long[] slots = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            slots[i] = t.input(v[i]);
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = FloatOps.d2f(slots[i], t);
        }
        return f;
    }

    private double[] grad(float out, int n) {
        return t.gradient(FloatOps.toSlot(out, t), n);
    }

    @Test
    void arithmeticIsBitIdenticalToFloatArithmetic() {
        float[] xs = {0.1f, -3.7f, 1e-20f, 3e38f, 7f};
        for (float a : xs) {
            for (float b : xs) {
                Tape s = Tape.open();
                try {
                    float fa = FloatOps.d2f(s.input(a), s), fb = FloatOps.d2f(s.input(b), s);
                    assertEquals(Float.floatToRawIntBits(a + b), Float.floatToRawIntBits(FloatOps.primal(FloatOps.add(fa, fb, s), s)));
                    assertEquals(Float.floatToRawIntBits(a - b), Float.floatToRawIntBits(FloatOps.primal(FloatOps.sub(fa, fb, s), s)));
                    assertEquals(Float.floatToRawIntBits(a * b), Float.floatToRawIntBits(FloatOps.primal(FloatOps.mul(fa, fb, s), s)));
                    assertEquals(Float.floatToRawIntBits(a / b), Float.floatToRawIntBits(FloatOps.primal(FloatOps.div(fa, fb, s), s)));
                    assertEquals(Float.floatToRawIntBits(a % b), Float.floatToRawIntBits(FloatOps.primal(FloatOps.rem(fa, fb, s), s)));
                } finally {
                    s.close();
                }
            }
        }
    }

    @Test
    void productAndQuotientGradients() {
        float[] ab = in(1.5, -0.25);
        float a = ab[0], b = ab[1];
        // f = a * b / (a - b): df/da = b/(a-b) - ab/(a-b)^2, df/db = a/(a-b) + ab/(a-b)^2
        float f = FloatOps.div(FloatOps.mul(a, b, t), FloatOps.sub(a, b, t), t);
        double av = 1.5, bv = -0.25, d = av - bv;
        assertArrayEquals(new double[] {bv / d - av * bv / (d * d), av / d + av * bv / (d * d)}, grad(f, 2), 1e-15);
    }

    @Test
    void negationRemainderComparisonsAndConversions() {
        float[] ab = in(7.5, 2.0);
        float a = ab[0], b = ab[1];
        float r = FloatOps.rem(FloatOps.neg(a, t), b, t); // -7.5 % 2 = -1.5; d/da = -1, d/db = -trunc(-7.5/2) = 3
        assertEquals(-1.5f, FloatOps.primal(r, t));
        assertArrayEquals(new double[] {-1.0, 3.0}, grad(r, 2), 0.0);
        Tape s = Tape.open();
        try {
            float x = FloatOps.d2f(s.input(2.5), s);
            assertEquals(1, FloatOps.cmpl(x, 1f, s));
            assertEquals(-1, FloatOps.cmpl(Float.NaN, x, s));
            assertEquals(1, FloatOps.cmpg(Float.NaN, x, s));
            assertEquals(2, FloatOps.f2i(x, s));
            assertEquals(2L, FloatOps.f2l(x, s));
        } finally {
            s.close();
        }
    }

    @Test
    void passiveFloatsStayPlainAndActiveLookingNaNsAreCanonicalised() {
        assertEquals(3f, FloatOps.add(1f, 2f, t));
        float sneaky = Float.intBitsToFloat(0x7F800001);
        assertTrue(FloatOps.isActive(sneaky));
        assertFalse(FloatOps.isActive(FloatOps.fromFloat(sneaky)));
        assertTrue(Float.isNaN(FloatOps.fromFloat(sneaky)));
    }

    @Test
    void floatArraysAndFieldsCarrySlots() {
        float a = in(3.0)[0];
        float[] arr = new float[2];
        FloatOps.fastore(arr, 1, FloatOps.mul(a, a, t), t);
        assertEquals(9f, arr[1]);
        float back = FloatOps.faload(arr, 1, t);
        assertArrayEquals(new double[] {6.0}, grad(back, 1), 0.0);
    }

    @Test
    void staleFloatElementIsRefused() {
        float a = in(3.0)[0];
        float[] arr = new float[1];
        FloatOps.fastore(arr, 0, a, t);
        arr[0] = 4f;
        assertThrows(NotDifferentiableException.class, () -> FloatOps.faload(arr, 0, t));
    }

    @Test
    void fieldRoundTrip() {
        Object owner = new Object();
        float a = in(2.0)[0];
        float stored = FloatOps.putField(owner, FloatOps.mul(a, a, t), 7, t);
        assertEquals(4f, stored);
        float read = FloatOps.getField(owner, stored, 7, t);
        assertArrayEquals(new double[] {4.0}, grad(read, 1), 0.0);
    }

    @Test
    void mathFloatOverloadsFollowTheDoubleRules() throws Throwable {
        MethodHandle abs = Primitives.lookup("java/lang/Math", "abs", "(F)F");
        MethodHandle max = Primitives.lookup("java/lang/StrictMath", "max", "(FF)F");
        MethodHandle min = Primitives.lookup("java/lang/Math", "min", "(FF)F");
        float[] ab = in(-2.0, 5.0);
        float a = ab[0], b = ab[1];
        float s = FloatOps.add(FloatOps.add((float) abs.invoke(a, t), (float) max.invoke(a, b, t), t),
                FloatOps.mul(10f, (float) min.invoke(a, b, t), t), t);
        assertEquals(2f + 5f - 20f, FloatOps.primal(s, t));
        assertArrayEquals(new double[] {-1.0 + 10.0, 1.0}, grad(s, 2), 0.0);
    }
}
