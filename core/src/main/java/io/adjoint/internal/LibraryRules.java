package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rules beyond java.lang.Math, linked on demand:
 * <ul>
 *   <li><b>Math-like libraries</b> (commons-math3 and Hipparchus {@code FastMath}, or any class registered
 *       with {@link #mathLike}): they reimplement Math with tables and bit tricks, which no tape can follow.
 *       A method with the name and descriptor of a Math row uses that row's derivative, and records the
 *       library's own primal value, so the program computes exactly what it computes without Adjoint.</li>
 *   <li><b>Boxing</b>: {@code Double.valueOf} remembers the slot of the boxed value with the box (identity),
 *       {@code doubleValue} takes it back, so Doubles in collections keep their derivatives.</li>
 *   <li><b>Bits</b>: taking the bits of an active double is allowed (hashing, printing), but turning bits
 *       back into a double in the same recording is refused: the derivative of a bit trick is unknown.</li>
 * </ul>
 */
public final class LibraryRules {
    private LibraryRules() {
    }

    private static final Set<String> MATH_LIKE = ConcurrentHashMap.newKeySet();
    private static final int BOX_FIELD = Ops.fieldId("java.lang.Double.value");
    private static final MethodHandles.Lookup L = MethodHandles.lookup();

    static {
        MATH_LIKE.add("org/apache/commons/math3/util/FastMath");
        MATH_LIKE.add("org/hipparchus/util/FastMath");
        MATH_LIKE.add("net/jafama/FastMath");
        MATH_LIKE.add("net/jafama/StrictFastMath");
        try {
            Primitives.register("java/lang/Double", "valueOf", "(D)Ljava/lang/Double;", L.findStatic(LibraryRules.class,
                    "box", MethodType.methodType(Double.class, long.class, Tape.class)));
            MethodHandle unbox = L.findStatic(LibraryRules.class, "unbox",
                    MethodType.methodType(long.class, Object.class, Tape.class));
            Primitives.register("java/lang/Double", "doubleValue", "()D",
                    unbox.asType(MethodType.methodType(long.class, Double.class, Tape.class)));
            Primitives.register("java/lang/Number", "doubleValue", "()D",
                    unbox.asType(MethodType.methodType(long.class, Number.class, Tape.class)));
            MethodHandle bits = L.findStatic(LibraryRules.class, "bits", MethodType.methodType(long.class, long.class,
                    Tape.class, boolean.class));
            Primitives.register("java/lang/Double", "doubleToRawLongBits", "(D)J",
                    MethodHandles.insertArguments(bits, 2, true));
            Primitives.register("java/lang/Double", "doubleToLongBits", "(D)J",
                    MethodHandles.insertArguments(bits, 2, false));
            Primitives.register("java/lang/Double", "longBitsToDouble", "(J)D", L.findStatic(LibraryRules.class,
                    "fromBits", MethodType.methodType(long.class, long.class, Tape.class)));
            for (String op : new String[] {"sum", "max", "min"}) {
                String mathName = op.equals("sum") ? null : op;
                MethodHandle h = mathName == null
                        ? L.findStatic(Ops.class, "add", MethodType.methodType(long.class, long.class, long.class, Tape.class))
                        : Primitives.lookup("java/lang/Math", mathName, "(DD)D");
                Primitives.register("java/lang/Double", op, "(DD)D", h);
            }
            StreamRules.register();
            MethodHandle parse = L.findStatic(LibraryRules.class, "parse", MethodType.methodType(long.class,
                    String.class, Tape.class));
            Primitives.register("java/lang/Double", "parseDouble", "(Ljava/lang/String;)D", parse);
            Primitives.register("java/lang/Double", "valueOf", "(Ljava/lang/String;)Ljava/lang/Double;",
                    MethodHandles.filterReturnValue(parse, MethodHandles.insertArguments(L.findStatic(
                            LibraryRules.class, "boxPassive", MethodType.methodType(Double.class, long.class)), 0)));
            Primitives.register("io/adjoint/Gradients", "stopGradient", "(D)D", L.findStatic(LibraryRules.class,
                    "stop", MethodType.methodType(long.class, long.class, Tape.class)));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Loads the static registrations above; call before the first lookup. */
    public static void init() {
    }

    /** Treats {@code internalName}'s methods named and typed like Math's as Math (derivative), with their own primal. */
    public static void mathLike(String internalName) {
        MATH_LIKE.add(internalName);
    }

    /** The rule for a call into a Math-like class, built on first use; null if none. */
    public static MethodHandle link(String owner, String name, String desc, ClassLoader loader) {
        if (!MATH_LIKE.contains(owner)) {
            return null;
        }
        MethodHandle math = Primitives.lookup("java/lang/Math", name, desc);
        MethodHandle extra = math == null ? extraRow(name, desc) : null;
        if (math == null && extra == null) {
            return null;
        }
        try {
            Class<?> c = Class.forName(owner.replace('/', '.'), false, loader);
            MethodHandle primal = MethodHandles.publicLookup().findStatic(c, name,
                    MethodType.fromMethodDescriptorString(desc, loader));
            if (extra != null) {
                return MethodHandles.insertArguments(extra, extra.type().parameterCount() - 1, primal);
            }
            String shape = switch (desc) {
                case "(D)D" -> "aliased1";
                case "(DD)D" -> "aliased2";
                default -> null;
            };
            if (shape == null) {
                return null;
            }
            MethodHandle h = L.findStatic(LibraryRules.class, shape, math.type().appendParameterTypes(
                    MethodHandle.class, MethodHandle.class));
            return MethodHandles.insertArguments(h, math.type().parameterCount(), math, primal);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    // ---- the library's own method, run as plain Java for the value (see Entry.suspend) --------------

    private static double plain(MethodHandle primal, double x) throws Throwable {
        boolean previous = Entry.suspend();
        try {
            return (double) primal.invokeExact(x);
        } finally {
            Entry.resume(previous);
        }
    }

    private static double plain(MethodHandle primal, double x, int n) throws Throwable {
        boolean previous = Entry.suspend();
        try {
            return (double) primal.invokeExact(x, n);
        } finally {
            Entry.resume(previous);
        }
    }

    private static double plain(MethodHandle primal, double a, double b) throws Throwable {
        boolean previous = Entry.suspend();
        try {
            return (double) primal.invokeExact(a, b);
        } finally {
            Entry.resume(previous);
        }
    }

    // ---- FastMath functions that Math does not have ----------------------------------------------

    private static MethodHandle extraRow(String name, String desc) {
        try {
            String key = name + desc;
            MethodType unary = MethodType.methodType(long.class, long.class, Tape.class, MethodHandle.class);
            switch (key) {
                case "asinh(D)D", "acosh(D)D", "atanh(D)D":
                    return L.findStatic(LibraryRules.class, name, unary);
                case "pow(DI)D":
                    return L.findStatic(LibraryRules.class, "powInt", MethodType.methodType(long.class, long.class,
                            int.class, Tape.class, MethodHandle.class));
                case "log(DD)D":
                    return L.findStatic(LibraryRules.class, "logBase", MethodType.methodType(long.class, long.class,
                            long.class, Tape.class, MethodHandle.class));
                default:
                    return null;
            }
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static long unaryWith(long x, Tape t, MethodHandle primal, double slope, double curvature)
            throws Throwable {
        double y = plain(primal, t.primal(x));
        if (Slot.isPassive(x)) {
            return Slot.passive(y);
        }
        return t.secondOrder ? t.push1(y, x, slope, curvature) : t.push1(y, x, slope);
    }

    static long asinh(long x, Tape t, MethodHandle primal) throws Throwable {
        double v = t.primal(x), s = v * v + 1.0;
        return unaryWith(x, t, primal, 1.0 / Math.sqrt(s), -v / (s * Math.sqrt(s)));
    }

    static long acosh(long x, Tape t, MethodHandle primal) throws Throwable {
        double v = t.primal(x), s = (v - 1.0) * (v + 1.0);
        return unaryWith(x, t, primal, 1.0 / Math.sqrt(s), -v / (s * Math.sqrt(s)));
    }

    static long atanh(long x, Tape t, MethodHandle primal) throws Throwable {
        double v = t.primal(x), s = (1.0 - v) * (1.0 + v);
        return unaryWith(x, t, primal, 1.0 / s, 2.0 * v / (s * s));
    }

    static long powInt(long x, int n, Tape t, MethodHandle primal) throws Throwable {
        double v = t.primal(x);
        double y = plain(primal, v, n);
        if (Slot.isPassive(x)) {
            return Slot.passive(y);
        }
        double slope = n == 0 ? 0.0 : n * Math.pow(v, n - 1);
        double curvature = n == 0 || n == 1 ? 0.0 : n * (n - 1.0) * Math.pow(v, n - 2);
        return t.secondOrder ? t.push1(y, x, slope, curvature) : t.push1(y, x, slope);
    }

    /** FastMath.log(base, x) = log(x) / log(base). */
    static long logBase(long base, long x, Tape t, MethodHandle primal) throws Throwable {
        double b = t.primal(base), v = t.primal(x);
        double y = plain(primal, b, v);
        boolean pb = Slot.isPassive(base), px = Slot.isPassive(x);
        if (pb && px) {
            return Slot.passive(y);
        }
        double lb = Math.log(b), lx = Math.log(v);
        double dx = 1.0 / (v * lb), db = -lx / (b * lb * lb);
        double dxx = -1.0 / (v * v * lb), dxb = -1.0 / (v * b * lb * lb), dbb = lx * (lb + 2.0) / (b * b * lb * lb * lb);
        if (!t.secondOrder) {
            return pb ? t.push1(y, x, dx) : px ? t.push1(y, base, db) : t.push2(y, base, db, x, dx);
        }
        return pb ? t.push1(y, x, dx, dxx) : px ? t.push1(y, base, db, dbb)
                : t.push2(y, base, db, x, dx, dbb, dxb, dxx);
    }

    // ---- aliases: Math's derivative, the library's primal -----------------------------------------

    static long aliased1(long x, Tape t, MethodHandle mathRule, MethodHandle primal) throws Throwable {
        double y = plain(primal, t.primal(x));
        long r = (long) mathRule.invokeExact(x, t);
        if (Slot.isActive(r)) {
            t.setValue(r, y);
            return r;
        }
        return Slot.passive(y);
    }

    static long aliased2(long a, long b, Tape t, MethodHandle mathRule, MethodHandle primal) throws Throwable {
        double y = plain(primal, t.primal(a), t.primal(b));
        long r = (long) mathRule.invokeExact(a, b, t);
        if (Slot.isActive(r)) {
            t.setValue(r, y);
            return r;
        }
        return Slot.passive(y);
    }

    // ---- boxing, bits, stopGradient ---------------------------------------------------------------

    /** The slot a box carries (a passive slot of its value when it carries none). */
    public static long slotOfBox(Object box, Tape t) {
        return unbox(box, t);
    }

    /** A box carrying {@code slot}. */
    public static Double boxSlot(long slot, Tape t) {
        return box(slot, t);
    }

    static Double box(long x, Tape t) {
        Double boxed = Double.valueOf(t.primal(x)); // Double.valueOf never caches: each box has its own identity
        if (Slot.isActive(x)) {
            t.shadows.putField(boxed, BOX_FIELD, x);
        }
        return boxed;
    }

    static long unbox(Object box, Tape t) {
        double v = ((Number) box).doubleValue();
        if (box instanceof Double) {
            long slot = t.shadows.field(box, BOX_FIELD);
            if (slot != 0) {
                return slot; // boxes are immutable: the slot is always fresh
            }
        }
        return Slot.passive(v);
    }

    static long bits(long x, Tape t, boolean raw) {
        if (Slot.isActive(x)) {
            t.shadows.bitsTaken = true;
        }
        double v = t.primal(x);
        return raw ? Double.doubleToRawLongBits(v) : Double.doubleToLongBits(v);
    }

    static long fromBits(long bits, Tape t) {
        if (t.shadows.bitsTaken) {
            throw new NotDifferentiableException("Double.longBitsToDouble after the bits of an active double were "
                    + "taken: a bit trick on an active value has no derivative Adjoint can know (give the method "
                    + "a rule with io.adjoint.Rules.register)");
        }
        return Slot.passive(Double.longBitsToDouble(bits));
    }

    /** Text made from an active value and parsed back would be a constant: refused, like bits. */
    static long parse(String s, Tape t) {
        double v = Double.parseDouble(s); // NumberFormatException as without Adjoint
        if (t.shadows.textTaken) {
            throw new NotDifferentiableException("Double.parseDouble after an active value was turned into text: "
                    + "a value round-tripped through text loses its derivative");
        }
        return Slot.passive(v);
    }

    static Double boxPassive(long slot) {
        return Slot.value(slot);
    }

    /** Marks that an active value was turned into text in this recording (see {@link #parse}). */
    public static void textTaken(Tape t) {
        t.shadows.textTaken = true;
    }

    static long stop(long x, Tape t) {
        return Slot.passive(t.primal(x));
    }
}
