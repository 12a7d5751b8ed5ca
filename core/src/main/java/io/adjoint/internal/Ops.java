package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operations twin bytecode calls in place of the JVM's double instructions (the opcode table in
 * {@code io.adjoint.agent.twin.TwinOpcodes} maps each opcode to one of these). Every operation first
 * asks whether its operands are passive and, if so, just computes: activity analysis at run time.
 * Each takes the recording's tape as its last argument.
 *
 * <p>Second derivatives (recorded only on a second-order tape): add, sub, neg and rem are linear
 * (rem away from its jumps) and record none; mul and div record theirs.
 */
public final class Ops {
    private Ops() {
    }

    // ---- arithmetic: DADD DSUB DMUL DDIV DREM DNEG ------------------------------------------------

    public static long add(long a, long b, Tape t) {
        if (Slot.isPassive(a) & Slot.isPassive(b)) { // arithmetic never makes a signalling NaN: raw bits
            return Double.doubleToRawLongBits(Slot.value(a) + Slot.value(b));
        }
        return addActive(a, b, t);
    }

    private static long addActive(long a, long b, Tape t) {
        boolean pa = Slot.isPassive(a), pb = Slot.isPassive(b);
        if (pb) {
            return t.push1(t.valueOf(a) + Slot.value(b), a, 1.0);
        }
        if (pa) {
            return t.push1(Slot.value(a) + t.valueOf(b), b, 1.0);
        }
        return t.push2(t.valueOf(a) + t.valueOf(b), a, 1.0, b, 1.0);
    }

    public static long sub(long a, long b, Tape t) {
        if (Slot.isPassive(a) & Slot.isPassive(b)) { // arithmetic never makes a signalling NaN: raw bits
            return Double.doubleToRawLongBits(Slot.value(a) - Slot.value(b));
        }
        return subActive(a, b, t);
    }

    private static long subActive(long a, long b, Tape t) {
        boolean pa = Slot.isPassive(a), pb = Slot.isPassive(b);
        if (pb) {
            return t.push1(t.valueOf(a) - Slot.value(b), a, 1.0);
        }
        if (pa) {
            return t.push1(Slot.value(a) - t.valueOf(b), b, -1.0);
        }
        return t.push2(t.valueOf(a) - t.valueOf(b), a, 1.0, b, -1.0);
    }

    public static long mul(long a, long b, Tape t) {
        if (Slot.isPassive(a) & Slot.isPassive(b)) { // arithmetic never makes a signalling NaN: raw bits
            return Double.doubleToRawLongBits(Slot.value(a) * Slot.value(b));
        }
        return mulActive(a, b, t);
    }

    private static long mulActive(long a, long b, Tape t) {
        boolean pa = Slot.isPassive(a), pb = Slot.isPassive(b);
        if (pb) {
            double vb = Slot.value(b);
            return t.push1(t.valueOf(a) * vb, a, vb);
        }
        if (pa) {
            double va = Slot.value(a);
            return t.push1(va * t.valueOf(b), b, va);
        }
        double va = t.valueOf(a), vb = t.valueOf(b);
        if (t.secondOrder) { // d2/da2 = 0, d2/dadb = 1, d2/db2 = 0
            return t.push2(va * vb, a, vb, b, va, 0.0, 1.0, 0.0);
        }
        return t.push2(va * vb, a, vb, b, va);
    }

    public static long div(long a, long b, Tape t) {
        if (Slot.isPassive(a) & Slot.isPassive(b)) { // arithmetic never makes a signalling NaN: raw bits
            return Double.doubleToRawLongBits(Slot.value(a) / Slot.value(b));
        }
        return divActive(a, b, t);
    }

    private static long divActive(long a, long b, Tape t) {
        boolean pa = Slot.isPassive(a), pb = Slot.isPassive(b);
        if (pb) {
            double vb = Slot.value(b);
            return t.push1(t.valueOf(a) / vb, a, 1.0 / vb);
        }
        double va = pa ? Slot.value(a) : t.valueOf(a), vb = t.valueOf(b);
        double q = va / vb;
        // dq/da = 1/b and dq/db = -q/b share one division when both are recorded: -q * (1/b) differs from -q / b only
        // by rounding, except for a subnormal b, where 1/b overflows (then dq/da is infinite too)
        if (t.secondOrder) { // d2/da2 = 0, d2/dadb = -1/b^2, d2/db2 = 2a/b^3 = 2q/b^2 = -2 (dq/db) / b
            if (pa) {
                double db = -q / vb;
                return t.push1(q, b, db, -2.0 * db / vb);
            }
            double inv = 1.0 / vb;
            double db = -q * inv;
            return t.push2(q, a, inv, b, db, 0.0, -inv * inv, -2.0 * db * inv);
        }
        if (pa) {
            return t.push1(q, b, -q / vb);
        }
        double inv = 1.0 / vb;
        return t.push2(q, a, inv, b, -q * inv);
    }

    /** x % y = x - y * trunc(x / y): partials 1 and -trunc(x / y) away from the jumps. */
    public static long rem(long a, long b, Tape t) {
        boolean pa = Slot.isPassive(a), pb = Slot.isPassive(b);
        if (pa && pb) {
            return Slot.passive(Slot.value(a) % Slot.value(b));
        }
        double va = pa ? Slot.value(a) : t.valueOf(a), vb = pb ? Slot.value(b) : t.valueOf(b);
        double r = va % vb;
        if (pb) {
            return t.push1(r, a, 1.0);
        }
        double q = Math.rint((va - r) / vb);
        if (pa) {
            return t.push1(r, b, -q);
        }
        return t.push2(r, a, 1.0, b, -q);
    }

    public static long neg(long a, Tape t) {
        if (Slot.isPassive(a)) {
            return Slot.passive(-Slot.value(a));
        }
        return t.push1(-t.valueOf(a), a, -1.0);
    }

    // ---- comparisons and conversions: DCMPL DCMPG D2I D2L D2F I2D L2D F2D ----------------------------

    public static int cmpl(long a, long b, Tape t) {
        double va = t.primal(a), vb = t.primal(b);
        return va > vb ? 1 : va == vb ? 0 : -1; // NaN gives -1
    }

    public static int cmpg(long a, long b, Tape t) {
        double va = t.primal(a), vb = t.primal(b);
        return va < vb ? -1 : va == vb ? 0 : 1; // NaN gives 1
    }

    public static int d2i(long a, Tape t) {
        return (int) t.primal(a);
    }

    public static long d2l(long a, Tape t) {
        return (long) t.primal(a);
    }

    /** D2F: see {@link FloatOps}. */
    public static float d2f(long a, Tape t) {
        return FloatOps.d2f(a, t);
    }

    /**
     * L2D. A long made from the bits of an active double (masked, shifted) and turned back into a double
     * carries an unknown derivative: once bits were taken in this recording, this is refused.
     */
    public static long l2d(long v, Tape t) {
        if (t.shadows.bitsTaken) {
            throw new NotDifferentiableException("a long was converted to double after the bits of an active double "
                    + "were taken (Double.doubleToLongBits): a bit trick on an active value has no derivative Adjoint "
                    + "can know (give the method a rule with io.adjoint.Rules.register)");
        }
        return Double.doubleToRawLongBits((double) v);
    }

    /** A double that enters twin code from outside (I2D, L2D, F2D results, raw loads). */
    public static long fromDouble(double v) {
        return Slot.passive(v);
    }

    /** The primal value of a slot, for a passive use (string concatenation, printing). */
    public static double primal(long a, Tape t) {
        return t.primal(a);
    }

    // ---- arrays: DALOAD DASTORE ------------------------------------------------------------------

    public static long daload(double[] array, int i, Tape t) {
        return daload(array, t.shadows.arrayShadow(array), i, t);
    }

    public static void dastore(double[] array, int i, long v, Tape t) {
        dastore(array, t.shadows.arrayShadow(array), i, v, t);
    }

    // Twin code reading or writing array elements in a loop keeps, per site, the last array, its shadow (or null)
    // and the shadow generation in locals, and looks the shadow up again only when the array changed, or when it
    // cached a null and the generation moved: one comparison per element instead of an identity hash and a probe.
    // The generation changes whenever any array gets a shadow (or the recording's shadows are dropped), so a cached
    // null is never stale; a cached shadow cannot be, since an array's shadow is never replaced in a recording.

    /** The generation of this recording's array shadows (see {@code Shadows.generation}); never 0. */
    public static long shadowGeneration(Tape t) {
        return t.shadows.generation;
    }

    /** The shadow of {@code array} (null: nothing active was stored in it), for a site's cache. */
    public static long[] arrayShadow(Object array, Tape t) {
        return t.shadows.arrayShadow(array);
    }

    /**
     * The shadow of {@code array} for a site's cache when the cache in the twin's locals missed: looked up first in the
     * site's table in this recording's shadows, which keeps the site's last answer across calls of its method.
     */
    public static long[] arrayShadow(Object array, int site, Tape t) {
        return t.shadows.arrayShadow(array, site);
    }

    /** A new site id for {@link #arrayShadow(Object, int, Tape)}; the agent takes one per shadow cache of a twin. */
    public static int newShadowSite() {
        return Shadows.newSite();
    }

    /** DALOAD, {@code s} being the current shadow of {@code array} (or null when it has none). */
    public static long daload(double[] array, long[] s, int i, Tape t) {
        double v = array[i];
        if (s != null) {
            if (s == Shadows.UNWRITTEN_INPUT) { // the private input: element i is node unwrittenBase + i, trusted,
                int base = t.unwrittenBase;         // unless its real shadow was made since the site looked it up
                if (base >= 0) {
                    return Slot.active(base + i);
                }
                s = t.shadows.inputShadow();
            }
            long slot = s[i];
            if (slot != 0) {
                // the private input copy needs no check: nothing but twin code wrote it (Tape.privateInputShadow)
                return s == t.privateInputShadow ? slot : checkFresh(slot, v, t, "an element of a double[]");
            }
        }
        return Slot.passive(v);
    }

    /**
     * DASTORE, {@code s} being the current shadow of {@code array} (or null when it has none). Creating a shadow
     * changes the generation, so the site's cache looks it up again next time.
     */
    public static void dastore(double[] array, long[] s, int i, long v, Tape t) {
        if (s == Shadows.UNWRITTEN_INPUT) { // the private input: written, so its slots are kept from now on
            s = t.shadows.materializeInput();
        }
        if (Slot.isActive(v)) {
            array[i] = t.valueOf(v);
            if (s == null) {
                s = t.shadows.arrayShadowForWrite(array, array.length);
            }
            s[i] = v;
        } else {
            array[i] = Slot.value(v);
            if (s != null) {
                s[i] = 0;
            }
        }
    }

    /** Marks the elements of {@code array} as the independent variables; returns their slots. */
    public static long[] seed(double[] array, Tape t) {
        long[] s = t.shadows.seedShadow(array, array.length); // every element is written below
        try {
            t.inputs(array, s);
        } catch (RuntimeException | Error e) { // the tape could not grow: no slot of another recording stays
            java.util.Arrays.fill(s, 0L);
            throw e;
        }
        return s;
    }

    /** The slot of element {@code i} of {@code array}, as twin code would read it. */
    public static long slotOf(double[] array, int i, Tape t) {
        return daload(array, i, t);
    }

    /** True when some element of {@code array} holds an active value. */
    public static boolean hasActive(Object array, Tape t) {
        long[] s = t.shadows.arrayShadow(array);
        if (s != null) {
            for (long slot : s) {
                if (slot != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code array.clone()} in twin code: a double[] copy carries its shadow along. */
    public static Object cloneArray(Object array, Tape t) {
        Object copy;
        if (array instanceof double[] d) {
            copy = d.clone();
            long[] s = t.shadows.arrayShadow(d);
            if (s != null) {
                t.shadows.putArray(copy, s.clone());
            }
        } else if (array instanceof Object[] o) {
            copy = o.clone();
        } else {
            copy = cloneOther(array);
        }
        return copy;
    }

    private static Object cloneOther(Object a) {
        if (a instanceof int[] x) return x.clone();
        if (a instanceof long[] x) return x.clone();
        if (a instanceof float[] x) return x.clone();
        if (a instanceof byte[] x) return x.clone();
        if (a instanceof short[] x) return x.clone();
        if (a instanceof char[] x) return x.clone();
        if (a instanceof boolean[] x) return x.clone();
        throw new NullPointerException("clone of null array");
    }

    /** {@code System.arraycopy}: shadows follow the elements. */
    public static void arraycopy(Object src, int srcPos, Object dest, int destPos, int length, Tape t) {
        System.arraycopy(src, srcPos, dest, destPos, length);
        if (src instanceof double[]) {
            long[] from = t.shadows.arrayShadow(src);
            long[] to = from != null ? t.shadows.arrayShadowForWrite(dest, ((double[]) dest).length)
                    : t.shadows.arrayShadow(dest);
            if (to != null) {
                if (from != null) {
                    System.arraycopy(from, srcPos, to, destPos, length);
                } else {
                    java.util.Arrays.fill(to, destPos, destPos + length, 0L);
                }
            }
        }
    }

    /** {@code Arrays.copyOfRange(double[], from, to)}. */
    public static double[] copyOfRange(double[] a, int from, int to, Tape t) {
        double[] copy = java.util.Arrays.copyOfRange(a, from, to);
        long[] s = t.shadows.arrayShadow(a);
        if (s != null) {
            long[] cs = new long[copy.length];
            System.arraycopy(s, from, cs, 0, Math.min(s.length, to) - from);
            t.shadows.putArray(copy, cs);
        }
        return copy;
    }

    /** {@code Arrays.copyOf(double[], length)}. */
    public static double[] copyOf(double[] a, int length, Tape t) {
        double[] copy = java.util.Arrays.copyOf(a, length);
        long[] s = t.shadows.arrayShadow(a);
        if (s != null) {
            t.shadows.putArray(copy, java.util.Arrays.copyOf(s, length));
        }
        return copy;
    }

    /** {@code Arrays.fill(double[], v)}. */
    public static void fill(double[] a, long v, Tape t) {
        fill(a, 0, a.length, v, t);
    }

    /** {@code Arrays.fill(double[], from, to, v)}. */
    public static void fill(double[] a, int from, int to, long v, Tape t) {
        java.util.Arrays.fill(a, from, to, t.primal(v));
        long[] s = Slot.isActive(v) ? t.shadows.arrayShadowForWrite(a, a.length) : t.shadows.arrayShadow(a);
        if (s != null) {
            java.util.Arrays.fill(s, from, to, Slot.isActive(v) ? v : 0L);
        }
    }

    /** {@code Arrays.sort(double[])}: the derivatives follow the values they belong to. */
    public static void sort(double[] a, Tape t) {
        sort(a, 0, a.length, t);
    }

    /** {@code Arrays.sort(double[], from, to)}. */
    public static void sort(double[] a, int from, int to, Tape t) {
        long[] s = t.shadows.arrayShadow(a);
        if (s == null) {
            java.util.Arrays.sort(a, from, to);
            return;
        }
        java.util.Objects.checkFromToIndex(from, to, a.length);
        Integer[] order = new Integer[to - from];
        for (int i = 0; i < order.length; i++) {
            order[i] = from + i;
        }
        java.util.Arrays.sort(order, (i, j) -> Double.compare(a[i], a[j]));
        double[] values = new double[order.length];
        long[] slots = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            values[i] = a[order[i]];
            slots[i] = s[order[i]];
        }
        System.arraycopy(values, 0, a, from, values.length);
        System.arraycopy(slots, 0, s, from, slots.length);
    }

    /**
     * A double handed to code that runs uninstrumented (a constructor, an opaque call): fine when passive,
     * refused loudly when active, since its derivative would be lost.
     */
    public static double opaqueArgument(long v, String callee, Tape t) {
        if (Slot.isActive(v)) {
            throw new NotDifferentiableException("Adjoint cannot differentiate through " + callee
                    + ": it runs uninstrumented and receives an active double");
        }
        return Slot.value(v);
    }

    // ---- fields: GETFIELD PUTFIELD GETSTATIC PUTSTATIC of type double --------------------------------

    private static final ConcurrentHashMap<String, Integer> FIELD_IDS = new ConcurrentHashMap<>();
    private static final AtomicInteger LAST_FIELD_ID = new AtomicInteger();

    /** A stable small number for a field, baked into twin code as a constant. */
    public static int fieldId(String ownerDotName) {
        return FIELD_IDS.computeIfAbsent(ownerDotName, k -> LAST_FIELD_ID.incrementAndGet());
    }

    public static long getField(Object owner, double v, int fieldId, Tape t) {
        long slot = t.shadows.field(owner, fieldId);
        if (slot != 0) {
            return checkFresh(slot, v, t, "a double field");
        }
        return Slot.passive(v);
    }

    /** Records the shadow of a field write and returns the primal value for the real PUTFIELD. */
    public static double putField(Object owner, long v, int fieldId, Tape t) {
        if (Slot.isActive(v)) {
            t.shadows.putField(owner, fieldId, v);
            return t.valueOf(v);
        }
        if (t.shadows.field(owner, fieldId) != 0) {
            t.shadows.putField(owner, fieldId, 0);
        }
        return Slot.value(v);
    }

    // ---- in-object field shadows: the agent gives classes with double fields a private transient long[] field,
    //      element 0 the stamp of the recording that wrote it, element 1 + i the slot of the class's double
    //      field i (sorted by name); the class's accessors (generated by the agent) pass that array here.

    /** A double field read through its object's shadow array {@code s} (may be null): element {@code i}. */
    public static long shadowGet(long[] s, double v, int i, Tape t) {
        if (s != null) {
            long slot = s[0] == t.stamp ? s[i] : t.shadows.nestedField(s, i);
            if (slot != 0) {
                return checkFresh(slot, v, t, "a double field");
            }
        }
        return Slot.passive(v);
    }

    /**
     * A double field write: returns the shadow array to keep in the object ({@code s} itself, or a fresh one of
     * {@code length} when {@code s} belongs to another recording and an active value is stored). An array of a
     * recording open around this one (a nested recording started inside it) is left alone: this recording keeps
     * its slots for that object in its own map, so the enclosing recording finds its slots again afterwards.
     */
    public static long[] shadowPut(long[] s, long v, int i, int length, Tape t) {
        if (s != null && s[0] == t.stamp) {
            s[i] = Slot.isActive(v) ? v : 0;
        } else if (s != null && t.enclosingStamp(s[0])) {
            if (Slot.isActive(v) || t.shadows.nestedField(s, i) != 0) {
                t.shadows.putField(s, i, Slot.isActive(v) ? v : 0);
            }
        } else if (Slot.isActive(v)) {
            s = new long[length];
            s[0] = t.stamp;
            s[i] = v;
        }
        return s;
    }

    /** The shadow array a clone of an object gets: a copy (null stays null). */
    public static long[] copyShadow(long[] s) {
        return s == null ? null : s.clone();
    }

    /** The slot a constructor's twin branch deferred for field {@code fieldId} before super(...), or 0. */
    public static long takeDeferred(int fieldId, Tape t) {
        return t.shadows.takeDeferred(fieldId);
    }

    public static long getStatic(double v, int fieldId, Tape t) {
        return getField(Shadows.STATICS, v, fieldId, t);
    }

    public static double putStatic(long v, int fieldId, Tape t) {
        return putField(Shadows.STATICS, v, fieldId, t);
    }

    /** A unary rule of the table called by name (preaccumulated code replaying a Hessian recording). */
    public static long unaryRule(long x, Tape t, String owner, String name) {
        try {
            return (long) Primitives.lookup(owner, name, "(D)D").invokeExact(x, t);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** A double field of {@code this} written before {@code super(...)}: recorded once {@code this} exists. */
    public static double deferField(long v, int fieldId, Tape t) {
        t.shadows.defer(fieldId, Slot.isActive(v) ? v : 0); // a passive write replaces an earlier active one
        return t.primal(v);
    }

    /** After {@code super(...)} in a constructor's twin branch: the deferred field slots now belong to {@code self}. */
    public static void flushDeferred(Object self, Tape t) {
        t.shadows.flushDeferred(self);
    }

    /**
     * A shadow is only believed while the primal memory still holds the value it was recorded with;
     * otherwise code Adjoint cannot see changed it, and any gradient through it would be stale.
     */
    private static long checkFresh(long slot, double primal, Tape t, String what) {
        if (Double.doubleToRawLongBits(t.valueOf(slot)) == Double.doubleToRawLongBits(primal)) {
            return slot;
        }
        throw new NotDifferentiableException(what + " that held an active value was overwritten by code "
                + "Adjoint does not instrument; its derivative is unknown");
    }
}
