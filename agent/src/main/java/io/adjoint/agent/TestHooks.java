package io.adjoint.agent;

import java.util.regex.Pattern;

/**
 * <b>Test hooks, not options.</b> Failure injection for the tests that prove a failing transformation never
 * breaks the host application. Each is a system property holding one class-name glob (as in {@code include=});
 * unset, it matches nothing and costs one null test where it is read.
 * <ul>
 *   <li>{@code adjoint.inject.failTransform=GLOB}: {@code HostTransformer} throws for these classes
 *       (as if ASM could not read them);</li>
 *   <li>{@code adjoint.inject.badBytecode=GLOB}: {@code HostTransformer} writes a broken prologue into these
 *       classes (an operand stack underflow that the JVM's verifier rejects), so that the check of its output
 *       ({@code verify=true}) has something to catch;</li>
 *   <li>{@code adjoint.inject.failTwin=GLOB}: {@code link/Twins} fails to build the companion (twins) of
 *       these classes.</li>
 * </ul>
 */
public final class TestHooks {
    private TestHooks() {
    }

    private static final Pattern FAIL_TRANSFORM = read("adjoint.inject.failTransform");
    private static final Pattern BAD_BYTECODE = read("adjoint.inject.badBytecode");
    private static final Pattern FAIL_TWIN = read("adjoint.inject.failTwin");

    private static Pattern read(String property) {
        String g = System.getProperty(property);
        return g == null || g.isBlank() ? null : AgentOptions.glob("test hook " + property, g.trim());
    }

    /** Throws if the test hook adjoint.inject.failTransform names this class (dotted name). */
    public static void failTransform(String className) {
        if (FAIL_TRANSFORM != null && FAIL_TRANSFORM.matcher(className).matches()) {
            throw new IllegalStateException("failure injected by the test hook adjoint.inject.failTransform");
        }
    }

    /** Whether the test hook adjoint.inject.badBytecode names this class (dotted name). */
    public static boolean badBytecode(String className) {
        return BAD_BYTECODE != null && BAD_BYTECODE.matcher(className).matches();
    }

    /** Throws if the test hook adjoint.inject.failTwin names this class (dotted name). */
    public static void failTwin(String className) {
        if (FAIL_TWIN != null && FAIL_TWIN.matcher(className).matches()) {
            throw new IllegalStateException("failure injected by the test hook adjoint.inject.failTwin");
        }
    }
}
