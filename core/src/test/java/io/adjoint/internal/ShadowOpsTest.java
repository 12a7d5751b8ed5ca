package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shadow memory: double[] elements and double fields that hold active values. The primal memory must
 * always hold the true values; the shadows must follow the elements through copies, fills and sorts;
 * memory changed behind the shadow's back must be refused rather than differentiated wrongly.
 */
class ShadowOpsTest {
    private Tape t;

    @BeforeEach
    void open() {
        t = Tape.open();
    }

    @AfterEach
    void close() {
        t.close();
    }

    private static long c(double v) {
        return Slot.passive(v);
    }

    /** The gradient of {@code out} with respect to the first {@code n} inputs. */
    private double[] grad(long out, int n) {
        return t.gradient(out, n);
    }

    /** sum_i w[i] * a[i] over the first w.length elements, read through daload. */
    private long weightedSum(double[] a, double[] w) {
        long s = c(0.0);
        for (int i = 0; i < w.length; i++) {
            s = Ops.add(s, Ops.mul(Ops.daload(a, i, t), c(w[i]), t), t);
        }
        return s;
    }

    /** Element i of a carries input j (or is passive when j < 0), with a fresh value check. */
    private void assertCarries(double[] a, int i, int j, double value) {
        long s = Ops.daload(a, i, t);
        assertEquals(value, a[i], 0.0, "primal memory of element " + i);
        if (j < 0) {
            assertTrue(Slot.isPassive(s), "element " + i + " should be passive");
            assertEquals(value, Slot.value(s), 0.0);
        } else {
            assertTrue(Slot.isActive(s), "element " + i + " should be active");
            assertEquals(j, Slot.node(s), "element " + i + " should carry input " + j);
        }
    }

    // ---- DALOAD / DASTORE ----------------------------------------------------------------------------------

    @Test
    void storeThenLoadRoundTrips() {
        double[] a = new double[4];
        long x = t.input(2.5);
        Ops.dastore(a, 1, x, t);
        assertEquals(2.5, a[1], 0.0, "the primal array holds the true value");
        assertEquals(x, Ops.daload(a, 1, t), "the slot comes back");
        assertEquals(0.0, Slot.value(Ops.daload(a, 0, t)), 0.0);
        assertTrue(Slot.isPassive(Ops.daload(a, 0, t)));
        assertTrue(Ops.hasActive(a, t));
        long y = Ops.mul(Ops.daload(a, 1, t), Ops.daload(a, 1, t), t);
        assertArrayEquals(new double[] {5.0}, grad(y, 1), 0.0);
    }

    @Test
    void storingAPassiveValueClearsActivity() {
        double[] a = new double[3];
        long x = t.input(2.5);
        Ops.dastore(a, 2, x, t);
        Ops.dastore(a, 2, c(7.0), t);
        assertEquals(7.0, a[2], 0.0);
        long s = Ops.daload(a, 2, t);
        assertTrue(Slot.isPassive(s));
        assertEquals(7.0, Slot.value(s), 0.0);
        assertFalse(Ops.hasActive(a, t));
        // a passive store into an array that never had a shadow creates none
        double[] b = {1, 2};
        Ops.dastore(b, 0, c(3.0), t);
        assertEquals(3.0, b[0], 0.0);
        assertFalse(Ops.hasActive(b, t));
    }

    @Test
    void memoryChangedBehindTheShadowsBackIsRefused() {
        double[] a = new double[2];
        Ops.dastore(a, 0, t.input(2.5), t);
        a[0] = 99.0; // code Adjoint does not see
        assertThrows(NotDifferentiableException.class, () -> Ops.daload(a, 0, t));
        // the comparison is bitwise: -0.0 in place of 0.0 is a change too
        double[] b = new double[1];
        Ops.dastore(b, 0, t.input(0.0), t);
        b[0] = -0.0;
        assertThrows(NotDifferentiableException.class, () -> Ops.daload(b, 0, t));
        // other elements are unaffected
        assertEquals(0.0, Slot.value(Ops.daload(a, 1, t)), 0.0);
    }

    @Test
    void seedMakesTheElementsTheInputs() {
        double[] a = {1.5, -2.0, 4.0};
        long[] s = Ops.seed(a, t);
        assertEquals(3, t.size());
        for (int i = 0; i < a.length; i++) {
            assertEquals(i, Slot.node(s[i]));
            assertEquals(s[i], Ops.slotOf(a, i, t));
        }
        // f = a0 a1 + a2^2
        long f = Ops.add(Ops.mul(Ops.daload(a, 0, t), Ops.daload(a, 1, t), t),
                Ops.mul(Ops.daload(a, 2, t), Ops.daload(a, 2, t), t), t);
        assertArrayEquals(new double[] {-2.0, 1.5, 8.0}, grad(f, 3), 0.0);
    }

    @Test
    void manyShadowedArraysAndFields() {
        // more than the initial table sizes: the identity hash tables must rehash without losing entries
        double[][] arrays = new double[300][];
        Object[] owners = new Object[300];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = new double[2];
            owners[i] = new Object();
            long x = t.input(i);
            Ops.dastore(arrays[i], i % 2, x, t);
            assertEquals(i, Ops.putField(owners[i], x, 1 + i % 3, t), 0.0);
        }
        for (int i = 0; i < arrays.length; i++) {
            assertCarries(arrays[i], i % 2, i, i);
            assertCarries(arrays[i], 1 - i % 2, -1, 0.0);
            assertEquals(i, Slot.node(Ops.getField(owners[i], i, 1 + i % 3, t)));
            assertTrue(Slot.isPassive(Ops.getField(owners[i], i, 4, t)), "another field of the same object");
        }
    }

    // ---- fields --------------------------------------------------------------------------------------------

    @Test
    void fieldShadows() {
        Object o1 = new Object(), o2 = new Object();
        int f = Ops.fieldId("test.Owner.f");
        int g = Ops.fieldId("test.Owner.g");
        assertEquals(f, Ops.fieldId("test.Owner.f"), "field ids are stable");
        assertTrue(f != g);
        long x = t.input(1.5);
        double stored = Ops.putField(o1, x, f, t);
        assertEquals(1.5, stored, 0.0, "the real PUTFIELD gets the primal value");
        assertEquals(x, Ops.getField(o1, stored, f, t));
        assertTrue(Slot.isPassive(Ops.getField(o2, stored, f, t)), "another object");
        assertTrue(Slot.isPassive(Ops.getField(o1, stored, g, t)), "another field");
        // the field was overwritten by code Adjoint does not see
        assertThrows(NotDifferentiableException.class, () -> Ops.getField(o1, 2.0, f, t));
        // a passive write clears it
        assertEquals(3.0, Ops.putField(o1, c(3.0), f, t), 0.0);
        long s = Ops.getField(o1, 3.0, f, t);
        assertTrue(Slot.isPassive(s));
        assertEquals(3.0, Slot.value(s), 0.0);
        // statics
        long y = t.input(-4.0);
        double v = Ops.putStatic(y, g, t);
        assertEquals(-4.0, v, 0.0);
        assertEquals(y, Ops.getStatic(v, g, t));
        assertThrows(NotDifferentiableException.class, () -> Ops.getStatic(4.0, g, t));
        assertEquals(5.0, Ops.putStatic(c(5.0), g, t), 0.0);
        assertTrue(Slot.isPassive(Ops.getStatic(5.0, g, t)));
        // a derivative through a field: z = field * field
        long z = Ops.mul(Ops.getField(o2, 0, f, t), c(1), t);
        assertTrue(Slot.isPassive(z));
        Ops.putField(o2, x, f, t);
        z = Ops.mul(Ops.getField(o2, 1.5, f, t), Ops.getField(o2, 1.5, f, t), t);
        assertArrayEquals(new double[] {3.0, 0.0}, grad(z, 2), 0.0);
    }

    /** In-object shadows (Ops.shadowGet/shadowPut): believed only by the recording whose stamp they carry. */
    @Test
    void inObjectShadowsBelongToOneRecording() {
        long x = t.input(1.5);
        assertEquals(null, Ops.shadowPut(null, c(2.0), 1, 3, t),
                "a passive write into an object without shadows allocates nothing");
        long[] s = Ops.shadowPut(null, x, 2, 3, t);
        assertEquals(3, s.length);
        assertEquals(t.stamp, s[0]);
        assertEquals(x, Ops.shadowGet(s, 1.5, 2, t));
        assertTrue(Slot.isPassive(Ops.shadowGet(s, 1.5, 1, t)), "another field");
        assertThrows(NotDifferentiableException.class, () -> Ops.shadowGet(s, 2.5, 2, t), "overwritten behind our back");
        assertTrue(Slot.isPassive(Ops.shadowGet(Ops.copyShadow(s), 7.0, 1, t)));
        assertNotSame(s, Ops.copyShadow(s));
        long[] same = Ops.shadowPut(s, c(4.0), 2, 3, t);
        assertTrue(same == s && s[2] == 0, "a passive write clears the slot in place");

        // a nested recording: the outer recording's array is neither believed nor replaced
        long[] outer = Ops.shadowPut(s, x, 2, 3, t);
        Tape inner = Tape.open();
        try {
            assertTrue(inner.stamp != t.stamp);
            assertTrue(Slot.isPassive(Ops.shadowGet(outer, 1.5, 2, inner)), "the outer recording's slot");
            long y = inner.input(1.5);
            assertTrue(Ops.shadowPut(outer, y, 2, 3, inner) == outer, "kept for the outer recording");
            assertEquals(x, outer[2]);
            assertEquals(y, Ops.shadowGet(outer, 1.5, 2, inner), "the inner recording's slot, from its map");
        } finally {
            inner.close();
        }
        assertEquals(x, Ops.shadowGet(outer, 1.5, 2, t), "the outer recording finds its slot again");

        // the next recording: the array is stale, reads are passive, an active write gets a fresh array
        t.close();
        t = Tape.open();
        long z = t.input(1.5); // node 0 again, the same value: a stale slot would pass the freshness check
        assertEquals(Slot.node(x), Slot.node(z));
        assertTrue(Slot.isPassive(Ops.shadowGet(outer, 1.5, 2, t)));
        long[] fresh = Ops.shadowPut(outer, z, 1, 3, t);
        assertNotSame(outer, fresh);
        assertEquals(0, fresh[2], "nothing of the earlier recording is carried over");
        assertEquals(z, Ops.shadowGet(fresh, 1.5, 1, t));
    }

    // ---- clone, arraycopy, copyOf, copyOfRange --------------------------------------------------------------

    @Test
    void cloneCarriesTheShadowAndThenGoesItsOwnWay() {
        double[] a = {1.0, 2.0, 3.0};
        long x = t.input(5.0);
        Ops.dastore(a, 1, x, t);
        double[] b = (double[]) Ops.cloneArray(a, t);
        assertNotSame(a, b);
        assertArrayEquals(a, b, 0.0);
        assertCarries(b, 1, 0, 5.0);
        assertCarries(b, 0, -1, 1.0);
        Ops.dastore(b, 1, c(0.0), t);
        assertCarries(a, 1, 0, 5.0); // the original's shadow is not shared
        // arrays of other types are plain clones
        int[] ints = {1, 2, 3};
        int[] ic = (int[]) Ops.cloneArray(ints, t);
        assertNotSame(ints, ic);
        assertArrayEquals(ints, ic);
        String[] strs = {"a", "b"};
        assertArrayEquals(strs, (Object[]) Ops.cloneArray(strs, t));
        assertArrayEquals(new long[] {4L}, (long[]) Ops.cloneArray(new long[] {4L}, t));
        assertArrayEquals(new boolean[] {true}, (boolean[]) Ops.cloneArray(new boolean[] {true}, t));
        assertArrayEquals(new double[] {1, 2}, (double[]) Ops.cloneArray(new double[] {1, 2}, t), 0.0);
        assertThrows(NullPointerException.class, () -> Ops.cloneArray(null, t));
    }

    @Test
    void arraycopyCarriesSlots() {
        double[] src = {10, 20, 30, 40};
        long x = t.input(20);
        long y = t.input(40);
        Ops.dastore(src, 1, x, t);
        Ops.dastore(src, 3, y, t);
        double[] dst = new double[5];
        Ops.arraycopy(src, 1, dst, 0, 3, t);
        assertArrayEquals(new double[] {20, 30, 40, 0, 0}, dst, 0.0);
        assertCarries(dst, 0, 0, 20);
        assertCarries(dst, 1, -1, 30);
        assertCarries(dst, 2, 1, 40);
        assertCarries(dst, 3, -1, 0);
        // copying passive elements over active ones clears them
        double[] plain = {-1, -2};
        Ops.arraycopy(plain, 0, dst, 1, 2, t);
        assertArrayEquals(new double[] {20, -1, -2, 0, 0}, dst, 0.0);
        assertCarries(dst, 2, -1, -2);
        assertCarries(dst, 0, 0, 20);
        // overlapping copy within one array: the slots move with their values
        Ops.arraycopy(src, 0, src, 1, 3, t);
        assertArrayEquals(new double[] {10, 10, 20, 30}, src, 0.0);
        assertCarries(src, 2, 0, 20);
        assertCarries(src, 3, -1, 30);
        assertCarries(src, 1, -1, 10);
        // a gradient through the copies: f = dst[0] * src[2] = x^2
        long f = Ops.mul(Ops.daload(dst, 0, t), Ops.daload(src, 2, t), t);
        assertArrayEquals(new double[] {40.0, 0.0}, grad(f, 2), 0.0);
    }

    @Test
    void arraycopyOfOtherArrays() {
        int[] a = {1, 2, 3};
        int[] b = new int[3];
        Ops.arraycopy(a, 0, b, 0, 3, t);
        assertArrayEquals(a, b);
        double[] d = new double[2];
        assertThrows(IndexOutOfBoundsException.class, () -> Ops.arraycopy(new double[1], 0, d, 0, 2, t));
        assertThrows(ArrayStoreException.class, () -> Ops.arraycopy(a, 0, d, 0, 1, t));
    }

    @Test
    void copyOfAndCopyOfRangeCarrySlots() {
        double[] a = {1, 2, 3};
        Ops.dastore(a, 0, t.input(1), t);
        Ops.dastore(a, 2, t.input(3), t);
        double[] longer = Ops.copyOf(a, 5, t);
        assertArrayEquals(new double[] {1, 2, 3, 0, 0}, longer, 0.0);
        assertCarries(longer, 0, 0, 1);
        assertCarries(longer, 2, 1, 3);
        assertCarries(longer, 4, -1, 0);
        double[] shorter = Ops.copyOf(a, 1, t);
        assertArrayEquals(new double[] {1}, shorter, 0.0);
        assertCarries(shorter, 0, 0, 1);
        double[] mid = Ops.copyOfRange(a, 1, 3, t);
        assertArrayEquals(new double[] {2, 3}, mid, 0.0);
        assertCarries(mid, 0, -1, 2);
        assertCarries(mid, 1, 1, 3);
        double[] past = Ops.copyOfRange(a, 2, 6, t);
        assertArrayEquals(new double[] {3, 0, 0, 0}, past, 0.0);
        assertCarries(past, 0, 1, 3);
        assertCarries(past, 3, -1, 0);
        double[] empty = Ops.copyOfRange(a, 3, 5, t);
        assertArrayEquals(new double[] {0, 0}, empty, 0.0);
        assertCarries(empty, 0, -1, 0);
        assertThrows(IllegalArgumentException.class, () -> Ops.copyOfRange(a, 2, 1, t));
        // copies of a plain array stay plain
        assertFalse(Ops.hasActive(Ops.copyOf(new double[] {4, 5}, 3, t), t));
        // the copies are independent: f = longer[2] * mid[1] * past[0] = x3^3
        long f = Ops.mul(Ops.mul(Ops.daload(longer, 2, t), Ops.daload(mid, 1, t), t), Ops.daload(past, 0, t), t);
        assertArrayEquals(new double[] {0.0, 27.0}, grad(f, 2), 0.0);
    }

    // ---- fill and sort -------------------------------------------------------------------------------------

    @Test
    void fillCarriesTheSlot() {
        double[] a = new double[5];
        long x = t.input(1.5);
        Ops.fill(a, x, t);
        assertArrayEquals(new double[] {1.5, 1.5, 1.5, 1.5, 1.5}, a, 0.0);
        for (int i = 0; i < a.length; i++) {
            assertCarries(a, i, 0, 1.5);
        }
        Ops.fill(a, 1, 3, c(-1.0), t);
        assertArrayEquals(new double[] {1.5, -1.0, -1.0, 1.5, 1.5}, a, 0.0);
        assertCarries(a, 1, -1, -1.0);
        assertCarries(a, 2, -1, -1.0);
        assertCarries(a, 3, 0, 1.5);
        double[] b = {9, 9, 9, 9};
        long y = t.input(2.0);
        Ops.fill(b, 2, 4, y, t);
        assertArrayEquals(new double[] {9, 9, 2, 2}, b, 0.0);
        assertCarries(b, 1, -1, 9);
        // f = sum a + sum b = 3x + 2y + const
        long f = Ops.add(weightedSum(a, new double[] {1, 1, 1, 1, 1}), weightedSum(b, new double[] {1, 1, 1, 1}), t);
        assertArrayEquals(new double[] {3.0, 2.0}, grad(f, 2), 0.0);
    }

    @Test
    void sortMovesTheDerivativesWithTheirValues() {
        double[] values = {3.0, -1.0, 2.0, 0.0, -0.0, 7.5, -4.0, Double.NaN};
        double[] a = values.clone();
        long[] s = Ops.seed(a, t); // input i holds values[i]
        Ops.sort(a, t);
        double[] expected = values.clone();
        Arrays.sort(expected);
        for (int k = 0; k < a.length; k++) {
            Rec.assertSameBits(expected[k], a[k], "sorted element " + k); // -0.0 before 0.0
        }
        // f = sum_k (k + 1) a_sorted[k] (NaN left out): input i gets the weight of where its value went
        double[] w = {1, 2, 3, 4, 5, 6, 7, 0};
        long f = weightedSum(a, Arrays.copyOf(w, w.length - 1));
        // positions: -4 -1 -0.0 0.0 2 3 7.5 NaN
        int[] rankOfInput = {5, 1, 4, 3, 2, 6, 0, 7};
        double[] g = grad(f, values.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(w[rankOfInput[i]], g[i], 0.0, "input " + i + " (" + values[i] + ")");
        }
        assertEquals(8, s.length);
    }

    @Test
    void sortOfARangeAndOfPlainArrays() {
        double[] a = {5, 4, 3, 2, 1};
        Ops.seed(a, t);
        Ops.sort(a, 1, 4, t);
        assertArrayEquals(new double[] {5, 2, 3, 4, 1}, a, 0.0);
        assertCarries(a, 0, 0, 5);
        assertCarries(a, 1, 3, 2);
        assertCarries(a, 2, 2, 3);
        assertCarries(a, 3, 1, 4);
        assertCarries(a, 4, 4, 1);
        assertThrows(IndexOutOfBoundsException.class, () -> Ops.sort(a, 3, 9, t));
        double[] plain = {3, 1, 2};
        Ops.sort(plain, t);
        assertArrayEquals(new double[] {1, 2, 3}, plain, 0.0);
        assertFalse(Ops.hasActive(plain, t));
    }

    // ---- the memory rows of the rule table call these operations --------------------------------------------

    @Test
    void memoryRowsOfTheRuleTable() throws Throwable {
        MethodHandle arraycopy = Rec.rule("java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V");
        MethodHandle copyOf = Rec.rule("java/util/Arrays", "copyOf", "([DI)[D");
        MethodHandle copyOfRange = Rec.rule("java/util/Arrays", "copyOfRange", "([DII)[D");
        MethodHandle fill = Rec.rule("java/util/Arrays", "fill", "([DD)V");
        MethodHandle fillRange = Rec.rule("java/util/Arrays", "fill", "([DIID)V");
        MethodHandle sort = Rec.rule("java/util/Arrays", "sort", "([D)V");
        MethodHandle sortRange = Rec.rule("java/util/Arrays", "sort", "([DII)V");

        long x = t.input(2.0);
        long y = t.input(-3.0);
        double[] a = new double[4];
        fill.invoke(a, x, t);
        fillRange.invoke(a, 2, 4, y, t);
        assertArrayEquals(new double[] {2, 2, -3, -3}, a, 0.0);
        assertCarries(a, 1, 0, 2);
        assertCarries(a, 3, 1, -3);
        sort.invoke(a, t);
        assertArrayEquals(new double[] {-3, -3, 2, 2}, a, 0.0);
        assertCarries(a, 0, 1, -3);
        assertCarries(a, 3, 0, 2);
        double[] b = (double[]) copyOf.invoke(a, 6, t);
        assertCarries(b, 2, 0, 2);
        assertCarries(b, 5, -1, 0);
        double[] r = (double[]) copyOfRange.invoke(a, 1, 3, t);
        assertArrayEquals(new double[] {-3, 2}, r, 0.0);
        assertCarries(r, 0, 1, -3);
        assertCarries(r, 1, 0, 2);
        double[] d = {9, 8, 7};
        arraycopy.invoke((Object) r, 0, (Object) d, 1, 2, t);
        assertArrayEquals(new double[] {9, -3, 2}, d, 0.0);
        assertCarries(d, 1, 1, -3);
        sortRange.invoke(d, 0, 2, t);
        assertArrayEquals(new double[] {-3, 9, 2}, d, 0.0);
        assertCarries(d, 0, 1, -3);
        assertCarries(d, 1, -1, 9);
        // f = d[0] * d[2] = x y
        long f = Ops.mul(Ops.daload(d, 0, t), Ops.daload(d, 2, t), t);
        assertArrayEquals(new double[] {-3.0, 2.0}, grad(f, 2), 0.0);
    }
}
