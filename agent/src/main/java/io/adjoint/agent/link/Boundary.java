package io.adjoint.agent.link;

import io.adjoint.NotDifferentiableException;
import io.adjoint.internal.Entry;
import io.adjoint.internal.FloatOps;
import io.adjoint.internal.Ops;
import io.adjoint.internal.Slot;
import io.adjoint.internal.Tape;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;

/**
 * A call from twin code into code that runs uninstrumented (JDK methods without a rule, lambda proxies,
 * classes that cannot be instrumented). Slots go in as primal values, and are left in an {@link Entry.Frame}
 * so that an application method the callee calls back (a lambda's body, a callback) runs as a twin with them
 * and hands its result slot back. When an active value went in and the result could carry a derivative out
 * (a double, an array, an object) but no result slot came back, the derivative would be lost: the call is
 * refused with {@link NotDifferentiableException} naming the callee and the caller's line. Passive uses of
 * active values (printing, comparing, formatting) pass.
 */
final class Boundary {
    private final MethodHandle spread;
    private final Class<?>[] params;
    private final Class<?> result;
    private final boolean resultMayCarry;
    private final String callee;
    private final String where;
    private final int receivers; // 1 when params[0] is the receiver of a virtual call, else 0

    private Boundary(MethodHandle original, boolean virtual, String callee, String where) {
        this.receivers = virtual ? 1 : 0;
        MethodType t = original.type();
        this.params = t.parameterArray();
        this.result = t.returnType();
        // fixed arity: a varargs method (Gradient.at(double...), String.format) receives its array as it is,
        // not collected again into a one-element array of the generic type
        this.spread = original.asFixedArity().asType(t.generic()).asSpreader(Object[].class, params.length);
        this.resultMayCarry = mayCarry(result);
        this.callee = callee;
        this.where = where;
    }

    private static final Set<Class<?>> PASSIVE_RESULTS = Set.of(void.class, boolean.class, byte.class, char.class,
            short.class, int.class, long.class, String.class, StringBuilder.class, StringBuffer.class,
            Boolean.class, Byte.class, Character.class, Short.class, Integer.class, Long.class, Class.class,
            java.io.PrintStream.class);

    private static boolean mayCarry(Class<?> c) {
        return !PASSIVE_RESULTS.contains(c);
    }

    private static final MethodHandle INVOKE;

    static {
        try {
            INVOKE = MethodHandles.lookup().findVirtual(Boundary.class, "invoke",
                    MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Adapts {@code original} (plain types) to a twin call site of type {@code siteType} (slots, tape last). */
    static MethodHandle wrap(MethodHandle original, boolean virtual, MethodType siteType, String callee, String where) {
        Boundary b = new Boundary(original, virtual, callee, where);
        return INVOKE.bindTo(b).asCollector(Object[].class, siteType.parameterCount()).asType(siteType);
    }

    private Object invoke(Object[] args) throws Throwable {
        Tape t = (Tape) args[args.length - 1];
        t.handedOut(args);
        Object[] real = new Object[params.length];
        boolean active = false;
        long[] captured = receivers == 1 && args[0] != null ? Entry.capturesOf(args[0], t) : null;
        int offset = (captured == null ? 0 : captured.length) - receivers; // frame: captures, then arguments
        long[] slots = new long[offset + params.length];
        if (captured != null) {
            System.arraycopy(captured, 0, slots, 0, captured.length);
        }
        for (int i = 0; i < params.length; i++) {
            Object a = args[i];
            if (params[i] == double.class) {
                long slot = (Long) a;
                active |= Slot.isActive(slot);
                slots[offset + i] = slot; // i >= receivers here: a receiver is never a double
                real[i] = t.primal(slot);
            } else if (params[i] == float.class) {
                float f = (Float) a;
                if (FloatOps.isActive(f)) {
                    active = true;
                    slots[offset + i] = FloatOps.toSlot(f, t);
                }
                real[i] = FloatOps.primal(f, t);
            } else {
                real[i] = a;
                active |= holdsActive(a, t);
            }
        }
        // Uninstrumented code may call back into the application: the entered twin finds these slots.
        Entry.Frame frame = new Entry.Frame(slots, result == double.class || result == float.class);
        Entry.Frame previous = Entry.enter(frame);
        Object r;
        try {
            r = spread.invokeExact(real);
        } finally {
            Entry.leave(previous);
        }
        if (result == double.class) {
            double v = (Double) r;
            if (frame.resultSet && Double.doubleToRawLongBits(t.primal(frame.result)) == Double.doubleToRawLongBits(v)) {
                return (Object) frame.result;
            }
            if (active || captured != null && hasActive(captured)) {
                throw lost();
            }
            return (Object) Slot.passive(v);
        }
        if (result == float.class) {
            float v = (Float) r;
            if (frame.resultSet && Float.floatToRawIntBits((float) t.primal(frame.result)) == Float.floatToRawIntBits(v)) {
                return FloatOps.fromSlot(frame.result, t);
            }
            if (active || captured != null && hasActive(captured)) {
                throw lost();
            }
            return FloatOps.fromFloat(v);
        }
        if (active && resultMayCarry) {
            throw lost();
        }
        if (active && r instanceof CharSequence) {
            io.adjoint.internal.LibraryRules.textTaken(t); // an active value became text (parsed back: refused)
        }
        return r;
    }

    private NotDifferentiableException lost() {
        if (callee.startsWith("io.adjoint.") && !callee.startsWith("io.adjoint.internal.")) {
            return new NotDifferentiableException("Adjoint does not differentiate through its own API: " + callee
                    + " (called at " + where + ") receives an active value inside a function being differentiated "
                    + "(nested differentiation); use Gradients.hessian/hvp for second derivatives, or pass "
                    + "Gradients.stopGradient(...) values to treat the point as a constant");
        }
        return new NotDifferentiableException("Adjoint cannot differentiate through " + callee + " (called at "
                + where + "): it runs uninstrumented (native, excluded, or no class file) and has no derivative "
                + "rule, and it receives an active value while returning " + result.getSimpleName()
                + ", which could carry the derivative on");
    }

    private static boolean hasActive(long[] slots) {
        for (long s : slots) {
            if (Slot.isActive(s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean holdsActive(Object a, Tape t) {
        if (a instanceof double[] || a instanceof float[]) {
            return Ops.hasActive(a, t);
        }
        if (a instanceof double[][] dd) {
            for (double[] d : dd) {
                if (d != null && Ops.hasActive(d, t)) {
                    return true;
                }
            }
        }
        return false;
    }
}
