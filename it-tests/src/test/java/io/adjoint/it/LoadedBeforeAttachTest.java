package io.adjoint.it;

import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.adjoint.it.Check.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A class holding a lambda, loaded (and run) before the first Gradients call, which self-attaches the
 * agent: its lambda must be differentiated too. A child JVM, started without agent flags in every
 * execution, makes the order certain whatever ran before in this one. (In the self-attach execution the
 * test classes of this JVM are also such classes: surefire loads them all to discover the tests, before
 * any test takes a gradient.)
 */
class LoadedBeforeAttachTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void inAFreshJvmWithoutAgentFlags() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        assertTrue(classPath.contains("test-classes"), "the test class path: " + classPath);
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", classPath, LoadedBeforeAttachMain.class.getName());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, p.exitValue(), "child JVM output:\n" + out);
        Map<String, String> seen = new HashMap<>();
        for (String line : out.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                seen.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertEquals("false", seen.get("attached-before-first-call"), out);
        assertEquals("true", seen.get("attached-after-first-call"), out);
        String[] g = seen.get("gradient").split(",");
        String[] e = seen.get("expected").split(",");
        for (int i = 0; i < 2; i++) {
            Check.close(Double.parseDouble(e[i]), Double.parseDouble(g[i]), ANALYTIC, "child gradient[" + i + "]");
        }
    }

    @Test
    void inThisJvm() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        double[] x = {-0.8, 2.0};
        EarlyLambdas.F.apply(x);
        Check.gradient(EarlyLambdas.gradient(x), Gradients.of(EarlyLambdas.F).at(x), ANALYTIC,
                "EarlyLambdas.F (" + ModeTest.mode() + ", " + args + ")");
    }
}
