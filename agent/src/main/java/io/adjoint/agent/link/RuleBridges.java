package io.adjoint.agent.link;

import io.adjoint.internal.LibraryRules;
import io.adjoint.internal.Tape;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Lambdas over boxes for methods with a rule ({@code Double::sum} as a {@code BinaryOperator<Double>},
 * {@code Math::sqrt} as a {@code Function<Double, Double>}). JDK code such as {@code Map.merge} calls such a lambda
 * directly, where no prologue can enter; so when twin code creates one, it gets this bridge instead of the JDK's
 * proxy: while a recording is open it applies the rule to the slots the boxes carry and returns a box carrying the
 * result's slot; otherwise it is the plain method.
 */
public final class RuleBridges {
    private RuleBridges() {
    }

    private static final MethodHandle APPLY1, APPLY2;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            APPLY1 = l.findStatic(RuleBridges.class, "apply1", MethodType.methodType(Object.class, MethodHandle.class,
                    MethodHandle.class, Object.class));
            APPLY2 = l.findStatic(RuleBridges.class, "apply2", MethodType.methodType(Object.class, MethodHandle.class,
                    MethodHandle.class, Object.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Whether a functional interface's method takes and returns only references (boxes), one or two of them. */
    static boolean boxed(MethodType sam) {
        if (sam.returnType().isPrimitive() || sam.parameterCount() < 1 || sam.parameterCount() > 2) {
            return false;
        }
        for (Class<?> p : sam.parameterArray()) {
            if (p.isPrimitive()) {
                return false;
            }
        }
        return true;
    }

    /** A bridge implementing {@code iface}'s method {@code name}, or null when the shapes do not fit. */
    static Object make(String name, Class<?> iface, MethodType sam, MethodHandle rule, MethodHandle plain) {
        int n = sam.parameterCount();
        if (rule.type().parameterCount() != n + 1 || plain.type().parameterCount() != n
                || plain.type().returnType() != double.class) {
            return null; // e.g. a virtual rule (Double::doubleValue) as a Function: leave it to the JDK
        }
        try {
            MethodHandle impl = n == 1 ? APPLY1 : APPLY2;
            MethodHandle factory = LambdaMetafactory.metafactory(MethodHandles.lookup(), name,
                    MethodType.methodType(iface, MethodHandle.class, MethodHandle.class), sam, impl, sam).getTarget();
            return factory.invoke(rule, plain.asType(plain.type().generic().changeReturnType(Object.class)));
        } catch (Throwable e) {
            return null; // an interface this class cannot see: the JDK's own lambda
        }
    }

    @SuppressWarnings("unused")
    private static Object apply1(MethodHandle rule, MethodHandle plain, Object a) throws Throwable {
        Tape t = Tape.current();
        if (t == null) {
            return plain.invoke(a);
        }
        return LibraryRules.boxSlot((long) rule.invoke(LibraryRules.slotOfBox(a, t), t), t);
    }

    @SuppressWarnings("unused")
    private static Object apply2(MethodHandle rule, MethodHandle plain, Object a, Object b) throws Throwable {
        Tape t = Tape.current();
        if (t == null) {
            return plain.invoke(a, b);
        }
        return LibraryRules.boxSlot((long) rule.invoke(LibraryRules.slotOfBox(a, t), LibraryRules.slotOfBox(b, t), t), t);
    }
}
