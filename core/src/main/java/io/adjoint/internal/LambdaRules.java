package io.adjoint.internal;

import java.lang.invoke.MethodHandle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Method references to functions with a derivative rule ({@code Math::exp} as a {@code DoubleUnaryOperator}):
 * their lambda proxy calls the JDK method directly, which no prologue can enter. When twin code creates such
 * a lambda, the proxy class is remembered here with the rule, so calls of it from twin code or from the
 * stream rules apply the rule to the slots.
 */
public final class LambdaRules {
    private LambdaRules() {
    }

    private static final ConcurrentHashMap<Class<?>, MethodHandle> RULES = new ConcurrentHashMap<>();

    /** Remembers that instances of {@code proxy} compute {@code rule} (type: slots..., tape -> slot). */
    public static void remember(Class<?> proxy, MethodHandle rule) {
        RULES.putIfAbsent(proxy, rule);
    }

    /** The rule instances of {@code c} compute, or null. */
    public static MethodHandle of(Class<?> c) {
        return RULES.isEmpty() ? null : RULES.get(c);
    }
}
