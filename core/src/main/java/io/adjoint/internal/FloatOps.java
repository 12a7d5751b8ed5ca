package io.adjoint.internal;

/**
 * Float arithmetic in twin code. A float keeps its 32-bit stack shape, so it cannot carry a node index the
 * way a double slot does; an active float is instead a signalling-NaN float whose 22-bit payload is a
 * handle to a double slot (see {@link Shadows}). Each float operation is the double operation on the
 * widened values followed by rounding to float, which gives bit-identical results for + - * / % (a double
 * holds every float sum, difference, product and quotient exactly enough to round once).
 */
public final class FloatOps {
    private FloatOps() {
    }

    static final int MAX_HANDLES = 1 << 22;
    private static final int CANONICAL_NAN = 0x7FC00000;

    public static boolean isActive(float f) {
        int bits = Float.floatToRawIntBits(f);
        return (bits & 0xFFC00000) == 0x7F800000 && (bits & 0x3FFFFF) != 0;
    }

    /** The double slot a float stands for. */
    public static long toSlot(float f, Tape t) {
        return isActive(f) ? t.shadows.floatSlot(Float.floatToRawIntBits(f) & 0x3FFFFF) : Slot.passive(f);
    }

    /** F2D. */
    public static long f2d(float f, Tape t) {
        return toSlot(f, t);
    }

    /** D2F: an active value becomes a new node holding the rounded value, derivative 1. */
    public static float d2f(long slot, Tape t) {
        if (Slot.isPassive(slot)) {
            return (float) Slot.value(slot);
        }
        float rounded = (float) t.valueOf(slot);
        return handle(t.push1(rounded, slot, 1.0), t);
    }

    /** The float standing for a slot: a handle when active (no new node), the rounded value when passive. */
    public static float fromSlot(long slot, Tape t) {
        return Slot.isActive(slot) ? handle(slot, t) : fromFloat((float) Slot.value(slot));
    }

    private static float handle(long activeSlot, Tape t) {
        return Float.intBitsToFloat(0x7F800000 | t.shadows.floatHandle(activeSlot));
    }

    /** A float entering twin code from outside (I2F, L2F, raw loads): never read as active. */
    public static float fromFloat(float f) {
        return isActive(f) ? Float.intBitsToFloat(CANONICAL_NAN) : f;
    }

    /** The primal value of a float, for a passive use. */
    public static float primal(float f, Tape t) {
        return isActive(f) ? (float) t.primal(toSlot(f, t)) : f;
    }

    public static float add(float a, float b, Tape t) {
        return isActive(a) || isActive(b) ? d2f(Ops.add(toSlot(a, t), toSlot(b, t), t), t) : a + b;
    }

    public static float sub(float a, float b, Tape t) {
        return isActive(a) || isActive(b) ? d2f(Ops.sub(toSlot(a, t), toSlot(b, t), t), t) : a - b;
    }

    public static float mul(float a, float b, Tape t) {
        return isActive(a) || isActive(b) ? d2f(Ops.mul(toSlot(a, t), toSlot(b, t), t), t) : a * b;
    }

    public static float div(float a, float b, Tape t) {
        return isActive(a) || isActive(b) ? d2f(Ops.div(toSlot(a, t), toSlot(b, t), t), t) : a / b;
    }

    public static float rem(float a, float b, Tape t) {
        return isActive(a) || isActive(b) ? d2f(Ops.rem(toSlot(a, t), toSlot(b, t), t), t) : a % b;
    }

    public static float neg(float a, Tape t) {
        return isActive(a) ? d2f(Ops.neg(toSlot(a, t), t), t) : -a;
    }

    public static int cmpl(float a, float b, Tape t) {
        float va = primal(a, t), vb = primal(b, t);
        return va > vb ? 1 : va == vb ? 0 : -1;
    }

    public static int cmpg(float a, float b, Tape t) {
        float va = primal(a, t), vb = primal(b, t);
        return va < vb ? -1 : va == vb ? 0 : 1;
    }

    public static int f2i(float a, Tape t) {
        return (int) primal(a, t);
    }

    public static long f2l(float a, Tape t) {
        return (long) primal(a, t);
    }

    // ---- Math's float overloads: the double rule on the widened value, rounded ----------------------

    public static float abs(float a, Tape t) {
        return isActive(a) ? d2f(invoke1("abs", toSlot(a, t), t), t) : Math.abs(a);
    }

    public static float max(float a, float b, Tape t) {
        return isActive(a) || isActive(b) ? d2f(invoke2("max", toSlot(a, t), toSlot(b, t), t), t) : Math.max(a, b);
    }

    public static float min(float a, float b, Tape t) {
        return isActive(a) || isActive(b) ? d2f(invoke2("min", toSlot(a, t), toSlot(b, t), t), t) : Math.min(a, b);
    }

    private static long invoke1(String name, long x, Tape t) {
        try {
            return (long) Primitives.lookup("java/lang/Math", name, "(D)D").invokeExact(x, t);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static long invoke2(String name, long x, long y, Tape t) {
        try {
            return (long) Primitives.lookup("java/lang/Math", name, "(DD)D").invokeExact(x, y, t);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(e);
    }

    public static float faload(float[] array, int i, Tape t) {
        float v = array[i];
        long[] s = t.shadows.arrayShadow(array);
        if (s != null && s[i] != 0) {
            long slot = s[i];
            if (Float.floatToRawIntBits((float) t.valueOf(slot)) == Float.floatToRawIntBits(v)) {
                return handle(slot, t);
            }
            throw new io.adjoint.NotDifferentiableException("an element of a float[] that held an active value was "
                    + "overwritten by code Adjoint does not instrument; its derivative is unknown");
        }
        return fromFloat(v);
    }

    public static void fastore(float[] array, int i, float v, Tape t) {
        if (isActive(v)) {
            long slot = toSlot(v, t);
            array[i] = (float) t.valueOf(slot);
            t.shadows.arrayShadowForWrite(array, array.length)[i] = slot;
        } else {
            array[i] = v;
            long[] s = t.shadows.arrayShadow(array);
            if (s != null) {
                s[i] = 0;
            }
        }
    }

    public static float getField(Object owner, float v, int fieldId, Tape t) {
        long slot = t.shadows.field(owner, fieldId);
        if (slot != 0 && Float.floatToRawIntBits((float) t.valueOf(slot)) == Float.floatToRawIntBits(v)) {
            return handle(slot, t);
        }
        return fromFloat(v);
    }

    public static float putField(Object owner, float v, int fieldId, Tape t) {
        long slot = toSlot(v, t);
        Ops.putField(owner, slot, fieldId, t);
        return (float) t.primal(slot);
    }

    public static float getStatic(float v, int fieldId, Tape t) {
        return getField(Shadows.STATICS, v, fieldId, t);
    }

    public static float putStatic(float v, int fieldId, Tape t) {
        return putField(Shadows.STATICS, v, fieldId, t);
    }
}
