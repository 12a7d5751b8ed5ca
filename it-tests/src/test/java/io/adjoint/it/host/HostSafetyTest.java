package io.adjoint.it.host;

import io.adjoint.it.app.App;
import io.adjoint.it.app.Funcs;
import io.adjoint.it.host.Report.Call;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static io.adjoint.it.host.Report.of;
import static io.adjoint.it.host.Report.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Never break the host: failures injected with the test hooks {@code adjoint.inject.*} (see the agent's
 * TestHooks) leave the class they hit exactly as it was, with one line on stderr naming it and why, and the
 * application runs to completion with its output byte for byte as without the agent.
 */
class HostSafetyTest {
    static final String F = "io.adjoint.it.app.Funcs";
    static final String REPORT = "report=" + ReportTest.ALL + ",out=r.jsonl";
    static String plain;

    @BeforeAll
    static void runWithoutAgent() throws Exception {
        Child c = Child.java().run(App.class.getName());
        assertEquals(0, c.exit, c.describe());
        plain = c.out;
    }

    /** The run completed as without the agent; returns the stderr lines that are not the report file line. */
    static List<String> ranAsWithout(Child c) {
        assertEquals(0, c.exit, c.describe());
        assertEquals(plain, c.out, "the application's output with the failure injected");
        return c.adjointLines().stream().filter(l -> !l.startsWith("[adjoint] reporting gradients of "))
                .collect(Collectors.toList());
    }

    @Test
    void aClassTheTransformerFailsOnRunsUnchanged() throws Exception {
        Child c = Child.java().agent(REPORT).property("adjoint.inject.failTransform", F).run(App.class.getName());
        List<String> lines = ranAsWithout(c);
        assertEquals(List.of("[adjoint] cannot instrument " + F + ": java.lang.IllegalStateException: failure "
                + "injected by the test hook adjoint.inject.failTransform; it runs unchanged"), lines, c.err);
        List<Call> calls = Report.read(c.dir.resolve("r.jsonl"));
        assertEquals(List.of(), of(calls, F + "#f"), "Funcs has no report prologue");
        assertNotNull(only(calls, "io.adjoint.it.app.Model#loss").gradient(), "other classes are reported as usual");
    }

    @Test
    void aClassWhoseTwinsCannotBeBuiltIsReportedWithoutGradients() throws Exception {
        Child c = Child.java().agent(REPORT).property("adjoint.inject.failTwin", F).run(App.class.getName());
        List<String> lines = ranAsWithout(c);
        assertEquals(List.of("[adjoint] cannot instrument " + F + ": java.lang.IllegalStateException: failure "
                + "injected by the test hook adjoint.inject.failTwin; calls into it are treated as opaque"), lines, c.err);
        List<Call> calls = Report.read(c.dir.resolve("r.jsonl"));
        for (Call call : calls) {
            if (call.method().startsWith(F + "#")) {
                assertNull(call.gradient(), call.text());
                assertTrue(call.error() != null || call.exception() != null, call.text());
                assertEquals(0, call.depth(), call.text());
            }
        }
        Call f = of(calls, F + "#f").get(0);
        assertEquals(Funcs.f(0.5, 2.0), f.value(), 0.0);
        assertTrue(f.error().contains("Adjoint cannot instrument " + F + "#f(DD)D"), f.error());
        assertEquals(1 + 1 + 1 + 1 + 1 + 1 + 1 + 2 + 1 + 1, calls.size(), "recursion of power inside the original "
                + "is not reported, every other call has one line: " + calls);
        assertNotNull(only(calls, "io.adjoint.it.app.Model#loss").gradient());
    }

    @Test
    void aCalleeWhoseTwinsCannotBeBuiltMakesItsCallersFallBack() throws Exception {
        Child c = Child.java().agent(REPORT).property("adjoint.inject.failTwin", "**.Helper").run(App.class.getName());
        List<String> lines = ranAsWithout(c);
        assertEquals(1, lines.size(), c.err);
        assertTrue(lines.get(0).startsWith("[adjoint] cannot instrument io.adjoint.it.app.Helper: "), lines.get(0));
        List<Call> calls = Report.read(c.dir.resolve("r.jsonl"));
        Call via = only(calls, F + "#viaHelper");
        assertNull(via.gradient());
        assertTrue(via.error().contains("io.adjoint.it.app.Helper.cube(D)D"), via.error());
        assertNotNull(of(calls, F + "#f").get(0).gradient());
    }

    @Test
    void aTransformedClassThatWouldFailVerificationIsNotUsed() throws Exception {
        // the test hook breaks the prologues of Funcs; verify=true (the default) sees it and keeps Funcs' bytes
        Child c = Child.java().agent(REPORT).property("adjoint.inject.badBytecode", F).run(App.class.getName());
        List<String> lines = ranAsWithout(c);
        assertEquals(1, lines.size(), c.err);
        assertTrue(lines.get(0).startsWith("[adjoint] cannot instrument " + F + ": org.objectweb.asm.tree.analysis."
                .replace("org.objectweb.asm", "io.adjoint.shaded.asm") + "AnalyzerException: the class with "
                + "prologues fails verification in "), lines.get(0));
        assertTrue(lines.get(0).endsWith("; it runs unchanged"), lines.get(0));
        assertEquals(List.of(), of(Report.read(c.dir.resolve("r.jsonl")), F + "#f"));

        // the main class itself
        Child main = Child.java().agent(REPORT).property("adjoint.inject.badBytecode", "**.App").run(App.class.getName());
        assertEquals(1, ranAsWithout(main).size(), main.err);

        // what the check prevents: without it the JVM refuses the class and the application breaks
        Child unchecked = Child.java().agent(REPORT + ",verify=false").property("adjoint.inject.badBytecode", F)
                .run(App.class.getName());
        assertNotEquals(0, unchecked.exit, unchecked.describe());
        assertTrue(unchecked.err.contains("java.lang.VerifyError"), unchecked.describe());
    }

    @Test
    void injectedFailuresInEveryClassAtOnce() throws Exception {
        Child c = Child.java().agent(REPORT).property("adjoint.inject.failTransform", "io.adjoint.it.app.*")
                .property("adjoint.inject.failTwin", "**").run(App.class.getName());
        List<String> lines = ranAsWithout(c);
        assertEquals(4, lines.size(), "one line for each class of the application: " + c.err);
        assertEquals(List.of(), Report.read(c.dir.resolve("r.jsonl")));
    }
}
