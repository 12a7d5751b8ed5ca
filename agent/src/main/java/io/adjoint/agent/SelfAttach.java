package io.adjoint.agent;

import net.bytebuddy.agent.ByteBuddyAgent;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;

/** Attaches the agent to the running JVM when it was not started with {@code -javaagent}. */
final class SelfAttach {
    private SelfAttach() {
    }

    static Instrumentation attach() {
        try {
            return ByteBuddyAgent.install();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("Adjoint could not attach its agent to this JVM (" + e.getMessage()
                    + "). Start the JVM with -javaagent:" + jarPath() + " (or, if the jdk.attach module is "
                    + "present, with -Djdk.attach.allowAttachSelf=true)", e);
        }
    }

    private static String jarPath() {
        try {
            return Path.of(AdjointAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            return "adjoint-agent.jar";
        }
    }
}
