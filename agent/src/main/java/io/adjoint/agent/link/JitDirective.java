package io.adjoint.agent.link;

import io.adjoint.agent.AdjointAgent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks HotSpot's JIT to inline the preaccumulated block methods ({@code pre$N}, see twin/Preaccumulation) into
 * the twins that call them. A block of a dozen operations with its reverse pass is several hundred bytes of
 * bytecode, over C2's limit for inlining a hot callee ({@code FreqInlineSize}, 325), so it stayed a call per
 * loop iteration: Lennard-Jones' pair block is 589 bytes, and inlining it made the gradient 15 to 19% faster.
 *
 * <p>The directive (the JIT's documented compiler-control format, also what {@code jcmd Compiler.directives_add}
 * takes) matches compilations rooted in twin code or in Adjoint's API and forces only the inlining of methods
 * named {@code pre$*} of twin companions; every other option keeps its value, {@code -XX:CompileCommand}s
 * included. It is added through the platform's DiagnosticCommand MBean on a daemon thread when the first
 * companion is defined, so the JMX start-up (~0.2 s) runs beside twin generation instead of in front of it, and
 * an application that never asks for a gradient pays nothing. Where that fails (no {@code jdk.management}
 * module, another JVM) nothing changes but speed; {@code verbose} says so. Agent option {@code jit=false} turns
 * it off.
 */
public final class JitDirective {
    private JitDirective() {
    }

    /**
     * Compilations rooted in twins or in the API classes that call them (inlining decisions belong to a
     * compilation's root); not in the application's own classes, whose compilations stay as they were.
     */
    static final String DIRECTIVE = "[{ match: [\"*AdjointTwin*.*\", \"io/adjoint/Gradients*.*\","
            + " \"io/adjoint/internal/*.*\"],"
            + " inline: [\"+*AdjointTwin*.pre$*\"] }]";

    private static final AtomicBoolean REQUESTED = new AtomicBoolean();
    private static volatile Thread adding;

    /** Adds the directive once per JVM, in the background (see above). */
    static void requestOnce() {
        if (!AdjointAgent.options().jit() || !REQUESTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(JitDirective::add, "adjoint-jit-directive");
        t.setDaemon(true);
        adding = t;
        t.start();
    }

    /** Waits until the directive has been added or given up (tests). */
    public static void awaitForTests() throws InterruptedException {
        Thread t = adding;
        if (t != null) {
            t.join();
        }
    }

    private static void add() {
        Path file = null;
        try {
            file = Files.createTempFile("adjoint-jit-", ".json");
            Files.writeString(file, DIRECTIVE);
            Object result = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerDirectivesAdd", new Object[]{new String[]{file.toString()}},
                    new String[]{String[].class.getName()});
            AdjointAgent.verbose("JIT directive: " + String.valueOf(result).strip());
        } catch (Throwable e) { // LinkageError included: java.management may be absent from the runtime image
            AdjointAgent.verbose("no JIT directive (generated block methods are inlined by the JIT's own "
                    + "limits): " + AdjointAgent.why(e));
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (Exception ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }
}
