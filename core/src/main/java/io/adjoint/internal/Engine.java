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

    static Engine get() {
        return Holder.ENGINE;
    }

    final class Holder {
        private Holder() {
        }

        static final Engine ENGINE = load();

        private static Engine load() {
            try {
                return (Engine) Class.forName("io.adjoint.agent.TwinEngine").getMethod("instance").invoke(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalStateException("Adjoint's engine (io.adjoint.agent.TwinEngine) is not on the "
                        + "class path: use adjoint-agent.jar, which holds the API and the engine", e);
            }
        }
    }
}
