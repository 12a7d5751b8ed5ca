package io.adjoint.internal;

import java.lang.invoke.MethodHandle;

/**
 * What the API needs from the instrumentation side (module {@code agent}): the twin of a function
 * object's single abstract method. Core stays free of ASM; the agent module provides the one
 * implementation, found by {@link #get()}.
 */
public interface Engine {

    /**
     * A handle running the twin of {@code function}'s method {@code samName} with descriptor
     * {@code samDescriptor}, with the receiver already bound: its type is the descriptor with each
     * double as a long slot, plus the tape as a last argument.
     */
    MethodHandle twinOf(Object function, String samName, String samDescriptor);

    /**
     * False only when the method behind {@code function}'s {@code samName} provably keeps nothing of its array
     * argument {@code param} after it returns (it reads and writes elements, takes the length, passes it to methods
     * that do the same): then a caller may hand it the same private array on every call. True when in doubt.
     */
    default boolean argumentMayEscape(Object function, String samName, String samDescriptor, int param) {
        return true;
    }

    static Engine get() {
        Engine e = Holder.engine;
        return e != null ? e : Holder.load();
    }

    final class Holder {
        private Holder() {
        }

        private static volatile Engine engine;

        /**
         * Loads the engine, which installs the agent. If that fails (attach refused, a malformed adjoint.*
         * system property) the cause is thrown as it is, and the next call tries again.
         */
        private static synchronized Engine load() {
            if (engine != null) {
                return engine;
            }
            java.lang.reflect.Method instance;
            try {
                instance = Class.forName("io.adjoint.agent.TwinEngine").getMethod("instance");
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalStateException("Adjoint's engine (io.adjoint.agent.TwinEngine) is not on the "
                        + "class path: use adjoint-agent.jar, which holds the API and the engine", e);
            }
            try {
                engine = (Engine) instance.invoke(null);
            } catch (java.lang.reflect.InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error r) {
                    throw r;
                }
                throw new IllegalStateException("Adjoint's engine could not start", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("Adjoint's engine could not start", e);
            }
            return engine;
        }
    }
}
