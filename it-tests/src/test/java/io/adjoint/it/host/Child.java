package io.adjoint.it.host;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A child JVM run to completion: the java of this test JVM (JDK 17 in the javaagent execution, JDK 25 in the
 * jdk25 one), optionally with {@code -javaagent:agent/target/adjoint-agent.jar[=options]}, on a class path of
 * our choosing, in a working directory of its own.
 */
final class Child {
    /** The agent jar the build made (the surefire executions pass its path; fall back to the module layout). */
    static final Path AGENT = Path.of(System.getProperty("adjoint.agent.jar",
            Path.of(System.getProperty("basedir", "."), "..", "agent", "target", "adjoint-agent.jar").toString()))
            .toAbsolutePath().normalize();
    /** This module's compiled test classes: the little applications live there. */
    static final Path TEST_CLASSES = Path.of(System.getProperty("basedir", "."), "target", "test-classes")
            .toAbsolutePath().normalize();

    final int exit;
    final String out;
    final String err;
    final Path dir;

    private Child(int exit, String out, String err, Path dir) {
        this.exit = exit;
        this.out = out;
        this.err = err;
        this.dir = dir;
    }

    static Builder java() {
        return new Builder();
    }

    static final class Builder {
        private String agentArgs; // null: no -javaagent
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> classPath = new ArrayList<>(List.of(TEST_CLASSES.toString()));
        private String main;
        private final List<String> args = new ArrayList<>();
        private Path dir;

        /** -javaagent:adjoint-agent.jar=ARGS (ARGS empty: no '='). */
        Builder agent(String args) {
            assertTrue(Files.isRegularFile(AGENT), "the agent jar is built: " + AGENT);
            this.agentArgs = args;
            return this;
        }

        Builder property(String key, String value) {
            jvmArgs.add("-D" + key + (value == null ? "" : "=" + value));
            return this;
        }

        Builder classPath(String entry) {
            classPath.add(entry);
            return this;
        }

        Builder in(Path workingDirectory) {
            this.dir = workingDirectory;
            return this;
        }

        Child run(String mainClass, String... mainArgs) throws IOException, InterruptedException {
            this.main = mainClass;
            args.addAll(List.of(mainArgs));
            return start();
        }

        private Child start() throws IOException, InterruptedException {
            Path work = dir != null ? dir : Files.createTempDirectory("adjoint-child");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xshare:auto");
            cmd.add("-XX:TieredStopAtLevel=1"); // short runs: C1 only, the children start faster
            if (agentArgs != null) {
                cmd.add("-javaagent:" + AGENT + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
            }
            cmd.addAll(jvmArgs);
            cmd.add("-cp");
            cmd.add(String.join(File.pathSeparator, classPath));
            cmd.add(main);
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            Path out = Files.createTempFile("adjoint-child", ".out"), err = Files.createTempFile("adjoint-child", ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("child JVM did not finish in 120 s: " + cmd);
            }
            Child c = new Child(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), work);
            Files.delete(out);
            Files.delete(err);
            return c;
        }
    }

    /** The lines on stderr that Adjoint wrote. */
    List<String> adjointLines() {
        List<String> l = new ArrayList<>();
        for (String s : err.split("\\R")) {
            if (s.startsWith("[adjoint]")) {
                l.add(s);
            }
        }
        return l;
    }

    String describe() {
        return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
}
