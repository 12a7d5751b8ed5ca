package io.adjoint.agent.link;

import io.adjoint.NotDifferentiableException;
import io.adjoint.internal.Ops;
import io.adjoint.internal.Slot;
import io.adjoint.internal.Tape;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;

/**
 * A call from twin code into code that runs uninstrumented (JDK methods without a rule, classes that
 * cannot be instrumented). Slots go in as primal values. When an active value goes in and the result
 * could carry a derivative back out (a double, an array, an object), the derivative would be lost:
 * the call is refused with {@link NotDifferentiableException} naming the callee and the caller's line.
 * Passive uses of active values (printing, comparing, formatting) pass.
 */
final class Boundary {
    private final MethodHandle spread;
    private final Class<?>[] params;
    private final Class<?> result;
    private final boolean resultMayCarry;
    private final String callee;
    private final String where;

    private Boundary(MethodHandle original, String callee, String where) {
        MethodType t = original.type();
        this.params = t.parameterArray();
        this.result = t.returnType();
        this.spread = original.asType(t.generic()).asSpreader(Object[].class, params.length);
        this.resultMayCarry = mayCarry(result) || EXPOSES_BITS.contains(callee);
        this.callee = callee;
        this.where = where;
    }

    private static final Set<Class<?>> PASSIVE_RESULTS = Set.of(void.class, boolean.class, byte.class, char.class,
            short.class, int.class, long.class, String.class, StringBuilder.class, StringBuffer.class,
            Boolean.class, Byte.class, Character.class, Short.class, Integer.class, Long.class, Class.class,
            java.io.PrintStream.class);

    /** Calls whose long result is the bit pattern of their double argument, which longBitsToDouble turns back. */
    private static final Set<String> EXPOSES_BITS = Set.of("java.lang.Double.doubleToLongBits(D)J",
            "java.lang.Double.doubleToRawLongBits(D)J");

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
    static MethodHandle wrap(MethodHandle original, MethodType siteType, String callee, String where) {
        Boundary b = new Boundary(original, callee, where);
        return INVOKE.bindTo(b).asCollector(Object[].class, siteType.parameterCount()).asType(siteType);
    }

    private Object invoke(Object[] args) throws Throwable {
        Tape t = (Tape) args[args.length - 1];
        Object[] real = new Object[params.length];
        boolean active = false;
        for (int i = 0; i < params.length; i++) {
            Object a = args[i];
            if (params[i] == double.class) {
                long slot = (Long) a;
                active |= Slot.isActive(slot);
                real[i] = t.primal(slot);
            } else {
                real[i] = a;
                active |= holdsActive(a, t);
            }
        }
        if (active && resultMayCarry) {
            throw new NotDifferentiableException("Adjoint cannot differentiate through " + callee + " (called at "
                    + where + "): it runs uninstrumented (native, excluded, or no class file) and has no "
                    + "derivative rule, and it receives an active value while returning "
                    + result.getSimpleName() + ", which could carry the derivative on");
        }
        Object r = spread.invokeExact(real);
        return result == double.class ? (Object) Slot.passive((Double) r) : r;
    }

    private static boolean holdsActive(Object a, Tape t) {
        if (a instanceof double[] d) {
            return Ops.hasActive(d, t);
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
