package io.adjoint;

import io.adjoint.internal.Entry;
import io.adjoint.internal.LibraryRules;
import io.adjoint.internal.Primitives;
import io.adjoint.internal.Slot;
import io.adjoint.internal.Tape;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.function.DoubleUnaryOperator;

/**
 * Your own derivative rules, for methods Adjoint cannot see into (native code, a class the agent may not
 * touch, bit tricks) or should not (a routine whose derivative you know better: an iterative solver,
 * a special function). The equivalent of JAX's {@code custom_vjp}. Register before the first gradient
 * that calls the method.
 *
 * <pre>{@code
 * Rules.register(Special.class, "besselJ0", x -> -Special.besselJ1(x));
 * Rules.register(Pricing.class, "blackPrice", (args, price) -> new double[] {delta(args), vega(args)});
 * }</pre>
 */
public final class Rules {
    private Rules() {
    }

    /** The gradient of a method at its arguments, given the value it returned there. */
    @FunctionalInterface
    public interface Partials {
        double[] at(double[] args, double value);
    }

    /** Registers {@code derivative} for every static method {@code name(double)double} of {@code owner}. */
    public static void register(Class<?> owner, String name, DoubleUnaryOperator derivative) {
        register(owner, name, (args, value) -> new double[] {derivative.applyAsDouble(args[0])}, 1);
    }

    /**
     * Registers {@code partials} for the static methods {@code name} of {@code owner} whose parameters are all
     * doubles and whose result is a double.
     */
    public static void register(Class<?> owner, String name, Partials partials) {
        register(owner, name, partials, -1);
    }

    /**
     * Makes calls of {@code owner}'s static methods that are named and typed like {@code java.lang.Math}'s
     * use Math's derivative rules, with {@code owner}'s own values (as for commons-math3 and Hipparchus
     * FastMath, which are built in).
     */
    public static void mathLike(Class<?> owner) {
        LibraryRules.mathLike(owner.getName().replace('.', '/'));
    }

    private static void register(Class<?> owner, String name, Partials partials, int arity) {
        int found = 0;
        for (Method m : owner.getDeclaredMethods()) {
            if (!m.getName().equals(name) || !Modifier.isStatic(m.getModifiers()) || m.getReturnType() != double.class
                    || (arity >= 0 && m.getParameterCount() != arity)) {
                continue;
            }
            boolean allDoubles = true;
            for (Class<?> p : m.getParameterTypes()) {
                allDoubles &= p == double.class;
            }
            if (!allDoubles) {
                continue;
            }
            try {
                m.setAccessible(true);
                int n = m.getParameterCount();
                MethodHandle primal = MethodHandles.lookup().unreflect(m).asSpreader(double[].class, n);
                MethodHandle rule = MethodHandles.insertArguments(CUSTOM, 0, primal, partials, m.toString())
                        .asCollector(Object[].class, n + 1)
                        .asType(MethodType.methodType(long.class, slotTypes(n)));
                Primitives.register(owner.getName().replace('.', '/'), name,
                        MethodType.methodType(double.class, m.getParameterTypes()).toMethodDescriptorString(), rule);
                found++;
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalArgumentException("cannot register a rule for " + m + ": " + e.getMessage(), e);
            }
        }
        if (found == 0) {
            throw new IllegalArgumentException(owner.getName() + " has no static method " + name
                    + (arity == 1 ? "(double)" : "(double...)") + " returning double");
        }
    }

    private static Class<?>[] slotTypes(int n) {
        Class<?>[] types = new Class<?>[n + 1];
        java.util.Arrays.fill(types, long.class);
        types[n] = Tape.class;
        return types;
    }

    private static final MethodHandle CUSTOM;

    static {
        try {
            CUSTOM = MethodHandles.lookup().findStatic(Rules.class, "apply", MethodType.methodType(long.class,
                    MethodHandle.class, Partials.class, String.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private static long apply(MethodHandle primal, Partials partials, String method, Object[] args) throws Throwable {
        int n = args.length - 1;
        Tape t = (Tape) args[n];
        double[] x = new double[n];
        long[] active = new long[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            long slot = (Long) args[i];
            x[i] = t.primal(slot);
            if (Slot.isActive(slot)) {
                k++;
            }
        }
        double y;
        double[] g = null;
        boolean previous = Entry.suspend(); // the method and the partials run as plain Java, not as twins
        try {
            y = (double) primal.invokeExact(x.clone());
            if (k > 0) {
                g = partials.at(x.clone(), y);
            }
        } finally {
            Entry.resume(previous);
        }
        if (k == 0) {
            return Slot.passive(y);
        }
        if (g == null || g.length != n) {
            throw new IllegalStateException("the rule for " + method + " returned " + (g == null ? "null" : g.length
                    + " partials") + " for " + n + " arguments");
        }
        double[] used = new double[k];
        k = 0;
        for (int i = 0; i < n; i++) {
            long slot = (Long) args[i];
            if (Slot.isActive(slot)) {
                active[k] = slot;
                used[k++] = g[i];
            }
        }
        return t.pushN(y, active, used, k);
    }
}
