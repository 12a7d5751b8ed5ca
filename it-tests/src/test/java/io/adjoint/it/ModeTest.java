package io.adjoint.it;

import io.adjoint.Gradients;
import io.adjoint.agent.AdjointAgent;
import org.junit.jupiter.api.Test;

import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Each surefire execution runs in the mode it claims: with -javaagent, or self-attached, on the right JDK. */
class ModeTest {

    static String mode() {
        String mode = System.getProperty("adjoint.it.mode");
        assertNotNull(mode, "adjoint.it.mode is set by each surefire execution of it-tests/pom.xml");
        return mode;
    }

    private static List<String> jvmArguments() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments();
    }

    /** The agent's instrumentation as the agent holds it, without installing it. */
    private static Instrumentation installedInstrumentation() throws ReflectiveOperationException {
        Field f = AdjointAgent.class.getDeclaredField("instrumentation");
        f.setAccessible(true);
        return (Instrumentation) f.get(null);
    }

    @Test
    void agentIsLoadedTheWayTheExecutionSays() throws Exception {
        List<String> args = jvmArguments();
        System.out.println("[adjoint-it] execution=" + System.getProperty("adjoint.it.execution") + " mode=" + mode()
                + " java=" + Runtime.version() + " args=" + args);
        switch (mode()) {
            case "javaagent" -> {
                assertTrue(args.stream().anyMatch(a -> a.startsWith("-javaagent:") && a.endsWith("adjoint-agent.jar")),
                        "-javaagent:...adjoint-agent.jar expected among " + args);
                // premain ran at start-up, before any test: the instrumentation is there already
                assertNotNull(installedInstrumentation(), "premain should have installed the agent");
            }
            case "self-attach" -> {
                assertFalse(args.stream().anyMatch(a -> a.startsWith("-javaagent") || a.startsWith("-agentlib")
                        || a.startsWith("-agentpath") || a.contains("allowAttachSelf")), "no agent flag expected: " + args);
                Gradients.of(x -> x[0] * x[0]).at(3.0); // attaches if nothing did yet
                assertNotNull(installedInstrumentation(), "the first Gradients call should have attached the agent");
            }
            default -> fail("unknown mode " + mode());
        }
        assertNotNull(AdjointAgent.ensureInstalled());
    }

    @Test
    void runsOnTheJdkOfItsExecution() {
        int expected = "jdk25".equals(System.getProperty("adjoint.it.execution")) ? 25 : 17;
        assertEquals(expected, Runtime.version().feature(), "java.home=" + System.getProperty("java.home"));
    }

    @Test
    void testsSeeOnlyTheShadedJar() {
        // ASM and Byte Buddy are inside the agent jar, relocated; the unrelocated ones must not be on the class path
        assertNotLoadable("org.objectweb.asm.ClassReader");
        assertNotLoadable("net.bytebuddy.agent.ByteBuddyAgent");
        String cp = System.getProperty("java.class.path");
        assertFalse(cp.contains("adjoint-core"), "adjoint-core should come only inside the shaded jar: " + cp);
        assertEquals(AdjointAgent.class.getProtectionDomain().getCodeSource().getLocation(),
                Gradients.class.getProtectionDomain().getCodeSource().getLocation(),
                "API and engine come from the same (shaded) jar");
    }

    private static void assertNotLoadable(String className) {
        try {
            Class.forName(className, false, ModeTest.class.getClassLoader());
            fail(className + " should not be on the test class path");
        } catch (ClassNotFoundException expected) {
            // fine
        }
    }
}
