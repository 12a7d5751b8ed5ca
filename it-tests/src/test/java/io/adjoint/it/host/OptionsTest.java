package io.adjoint.it.host;

import io.adjoint.it.app.App;
import io.adjoint.it.host.Report.Call;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.adjoint.it.host.Report.gradient;
import static io.adjoint.it.host.Report.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each agent option in a child JVM, as an agent argument and as a system property; bad options stop the JVM. */
class OptionsTest {
    static final String F = "io.adjoint.it.app.Funcs";
    static final String PROLOGUES = "[adjoint] prologues added to ";

    /** The classes named by verbose "prologues added to N method(s) of C" lines; each must appear once. */
    static Set<String> instrumented(Child c) {
        List<String> names = c.adjointLines().stream().filter(l -> l.startsWith(PROLOGUES))
                .map(l -> l.substring(l.indexOf(" of ") + 4).split(" ")[0]).collect(Collectors.toList());
        Set<String> set = new TreeSet<>(names);
        assertEquals(names.size(), set.size(), "one verbose line per instrumented class: " + names);
        return set;
    }

    @Test
    void includeAndExcludeDecideWhichClassesAreInstrumented() throws Exception {
        Child all = Child.java().agent("verbose").run(App.class.getName());
        assertEquals(0, all.exit, all.describe());
        assertEquals(Set.of("io.adjoint.it.app.App", F, "io.adjoint.it.app.Helper", "io.adjoint.it.app.Model"),
                instrumented(all), "by default every class of the application: " + all.err);

        Child some = Child.java().agent("verbose,include=io.adjoint.it.app.*,exclude=io.adjoint.it.app.Helper;"
                + "io.adjoint.it.app.App").run(App.class.getName());
        assertEquals(0, some.exit, some.describe());
        assertEquals(Set.of(F, "io.adjoint.it.app.Model"), instrumented(some), some.err);

        Child one = Child.java().agent("verbose,include=**.Model").run(App.class.getName());
        assertEquals(Set.of("io.adjoint.it.app.Model"), instrumented(one), one.err);

        Child none = Child.java().agent("verbose,include=io.adjoint.it.app.*,exclude=io.adjoint.**")
                .run(App.class.getName());
        assertEquals(Set.of(), instrumented(none), none.err);
        assertEquals(all.out, none.out);
    }

    @Test
    void anExcludedClassIsOpaqueToTheReport() throws Exception {
        // viaHelper calls Helper.cube(y): with Helper excluded that call runs uninstrumented, y's derivative
        // would be lost there, so viaHelper is reported without a gradient (and the reason); f still has one
        Child c = Child.java().agent("report=" + F + "#viaHelper;" + F + "#f,out=r.jsonl,exclude=**.Helper")
                .run(App.class.getName());
        assertEquals(0, c.exit, c.describe());
        List<Call> calls = Report.read(c.dir.resolve("r.jsonl"));
        Call via = only(calls, F + "#viaHelper");
        assertNull(via.gradient(), via.text());
        assertTrue(via.error().contains("io.adjoint.it.app.Helper.cube"), via.error());
        assertEquals(io.adjoint.it.app.Funcs.viaHelper(0.3, 1.7), via.value(), 0.0);
        assertNotNull(Report.of(calls, F + "#f").get(0).gradient());
    }

    @Test
    void verboseWritesOneLinePerClassAndNothingWithoutIt() throws Exception {
        Child quiet = Child.java().agent("report=" + F + "#f,out=r.jsonl").run(App.class.getName());
        assertEquals(1, quiet.adjointLines().size(), "only the line naming the report file: " + quiet.err);
        assertTrue(quiet.adjointLines().get(0).startsWith("[adjoint] reporting gradients of " + F + "#f to "));

        Child loud = Child.java().agent("verbose=true,report=" + F + "#f,out=r.jsonl").run(App.class.getName());
        assertEquals(0, loud.exit, loud.describe());
        List<String> lines = loud.adjointLines();
        assertTrue(lines.contains("[adjoint] agent installed"), loud.err);
        assertTrue(lines.contains(PROLOGUES + "9 method(s) of " + F), loud.err);
        assertTrue(lines.contains("[adjoint] twins generated for 9 method(s) of " + F), loud.err);
        for (String l : lines) {
            assertTrue(l.equals("[adjoint] agent installed") || l.startsWith("[adjoint] reporting gradients")
                    || l.startsWith(PROLOGUES) || l.startsWith("[adjoint] twins generated for "), l);
        }
        assertEquals(4, instrumented(loud).size(), loud.err);
        assertEquals(quiet.out, loud.out);

        Child off = Child.java().agent("verbose=false").run(App.class.getName());
        assertEquals("", off.err);
    }

    @Test
    void dumpWritesTheClassFilesAdjointMakes() throws Exception {
        Child c = Child.java().agent("dump=classes,report=" + F + "#f,out=r.jsonl").run(App.class.getName());
        assertEquals(0, c.exit, c.describe());
        Path dir = c.dir.resolve("classes/io/adjoint/it/app");
        for (String name : List.of("App", "Funcs", "Helper", "Model")) {
            byte[] b = Files.readAllBytes(dir.resolve(name + ".class"));
            assertEquals(0xCAFEBABE, java.nio.ByteBuffer.wrap(b).getInt(), name);
            assertTrue(new String(b, StandardCharsets.ISO_8859_1).contains("io/adjoint/agent/host/EntryHook"),
                    name + " has the entry prologue");
        }
        assertTrue(new String(Files.readAllBytes(dir.resolve("Funcs.class")), StandardCharsets.ISO_8859_1)
                .contains("io/adjoint/agent/report/ReportHook"), "Funcs has the report prologue");
        byte[] twins = Files.readAllBytes(dir.resolve("Funcs$$AdjointTwin.class"));
        assertEquals(0xCAFEBABE, java.nio.ByteBuffer.wrap(twins).getInt());
        assertTrue(new String(twins, StandardCharsets.ISO_8859_1).contains("io/adjoint/internal/Tape"));
    }

    @Test
    void outNamesTheReportFileWhichDefaultsToTheWorkingDirectory() throws Exception {
        Path dir = Files.createTempDirectory("adjoint-out");
        Files.createDirectories(dir.resolve("sub"));
        Child named = Child.java().agent("report=" + F + "#f,out=sub/grads.jsonl").in(dir).run(App.class.getName());
        assertEquals(0, named.exit, named.describe());
        assertEquals(2, Report.read(dir.resolve("sub/grads.jsonl")).size());
        assertFalse(Files.exists(dir.resolve("adjoint-report.jsonl")));
        assertTrue(named.err.contains(dir.resolve("sub/grads.jsonl").toAbsolutePath().toString()), named.err);

        Child dflt = Child.java().agent("report=" + F + "#f").in(dir).run(App.class.getName());
        assertEquals(0, dflt.exit, dflt.describe());
        assertEquals(2, Report.read(dir.resolve("adjoint-report.jsonl")).size());
        Child again = Child.java().agent("report=" + F + "#f").in(dir).run(App.class.getName());
        assertEquals(0, again.exit, again.describe());
        assertEquals(4, Report.read(dir.resolve("adjoint-report.jsonl")).size(), "lines are appended");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "foo=1                    | unknown adjoint agent option 'foo'",
        "report=NoHash            | adjoint agent option report: 'NoHash' is not of the form Class#method",
        "dump=                    | adjoint agent option dump needs a directory",
        "verbose=maybe            | adjoint agent option verbose: 'maybe' is not true or false",
        "verify=yes               | adjoint agent option verify: 'yes' is not true or false",
        "jit=sometimes            | adjoint agent option jit: 'sometimes' is not true or false",
        "include=a b              | adjoint agent option include: 'a b' is not a class-name glob",
        "report=a.B#c,out=no/such/dir/r.jsonl | adjoint agent option out: cannot write no/such/dir/r.jsonl",
    })
    void aBadOptionStopsTheJvmBeforeMain(String args, String message) throws Exception {
        Child c = Child.java().agent(args).run(App.class.getName());
        assertEquals(2, c.exit, c.describe());
        assertEquals("", c.out, "the application's main never ran");
        List<String> lines = c.adjointLines();
        assertEquals(1, lines.size(), c.err);
        assertTrue(lines.get(0).startsWith("[adjoint] " + message), lines.get(0));
        assertTrue(lines.get(0).endsWith("; the JVM stops before the application starts"), lines.get(0));
        assertEquals(lines.get(0) + System.lineSeparator(), c.err, "one line and nothing else on stderr");
    }

    @Test
    void systemPropertiesUnderTheAgentArgument() throws Exception {
        Child c = Child.java().agent("out=b.jsonl").property("adjoint.report", F + "#f," + F + "#h")
                .property("adjoint.out", "a.jsonl").property("adjoint.verbose", null).run(App.class.getName(), "nested");
        assertEquals(0, c.exit, c.describe());
        assertFalse(Files.exists(c.dir.resolve("a.jsonl")), "the agent argument wins over the property");
        assertEquals(6, Report.read(c.dir.resolve("b.jsonl")).size(), "f;h from the property (',' for ';')");
        assertTrue(c.adjointLines().contains("[adjoint] agent installed"), "-Dadjoint.verbose alone: " + c.err);

        Child bad = Child.java().agent("").property("adjoint.include", "a b").run(App.class.getName());
        assertEquals(2, bad.exit, bad.describe());
        assertEquals("", bad.out);
        assertTrue(bad.err.startsWith("[adjoint] system property adjoint.include: 'a b' is not a class-name glob"),
                bad.err);
    }

    /** The programmatic path: no -javaagent, the agent jar on the class path, options as system properties. */
    @Test
    void systemPropertiesOnTheSelfAttachPath() throws Exception {
        Child c = Child.java().classPath(Child.AGENT.toString()).property("adjoint.report", F + "#f")
                .property("adjoint.out", "p.jsonl").property("adjoint.verbose", "true").property("adjoint.dump", "d")
                .property("adjoint.include", "io.adjoint.it.**").run(ProgrammaticMain.class.getName());
        assertEquals(0, c.exit, c.describe());
        assertTrue(c.out.contains("gradient: 4.0,3.0"), c.out);
        List<Call> calls = Report.read(c.dir.resolve("p.jsonl"));
        assertEquals(1, calls.size(), "only the call after the agent attached: " + calls);
        assertEquals(List.of(-1.25, 3.5), calls.get(0).args());
        gradient(new double[] {3.5 + Math.cos(-1.25), -1.25}, calls.get(0), 1e-12);
        assertTrue(c.adjointLines().contains("[adjoint] agent self-attached"), c.err);
        assertTrue(instrumented(c).contains(F), c.err);
        assertTrue(Files.exists(c.dir.resolve("d/io/adjoint/it/app/Funcs.class")), "dump=");

        Child bad = Child.java().classPath(Child.AGENT.toString()).property("adjoint.verbose", "maybe")
                .run(ProgrammaticMain.class.getName());
        assertEquals(0, bad.exit, bad.describe());
        assertTrue(bad.out.contains("gradients failed: system property adjoint.verbose: 'maybe' is not true or false"),
                bad.out);
        assertTrue(bad.out.contains("main finished"), bad.out);
    }

    /**
     * The JIT directive that inlines generated block methods into twins (link/JitDirective): added once the first
     * twins exist, on both entry paths, and not with jit=false. Gradient: d/dx0 = -400 x0 (x1 - x0^2) - 2 (1 - x0),
     * d/dx1 = 200 (x1 - x0^2) at (-1.2, 1).
     */
    @Test
    void jitDirectiveIsAddedWithTheFirstTwinsUnlessTurnedOff() throws Exception {
        String inline = "inline: +*AdjointTwin*.pre$*";
        Child on = Child.java().agent("").run(JitDirectiveMain.class.getName());
        assertEquals(0, on.exit, on.describe());
        pairGradient(on);
        assertTrue(on.out.contains(inline), on.out);
        assertEquals("", on.err);

        Child attached = Child.java().classPath(Child.AGENT.toString()).run(JitDirectiveMain.class.getName());
        assertEquals(0, attached.exit, attached.describe());
        assertTrue(attached.out.contains(inline), "self-attach: " + attached.out);

        Child off = Child.java().agent("jit=false").run(JitDirectiveMain.class.getName());
        assertEquals(0, off.exit, off.describe());
        pairGradient(off);
        assertFalse(off.out.contains("AdjointTwin"), off.out);
        Child offByProperty = Child.java().classPath(Child.AGENT.toString()).property("adjoint.jit", "false")
                .run(JitDirectiveMain.class.getName());
        assertFalse(offByProperty.out.contains("AdjointTwin"), offByProperty.out);
    }

    private static void pairGradient(Child c) {
        String line = c.out.lines().filter(l -> l.startsWith("gradient: ")).findFirst().orElseThrow();
        String[] g = line.substring("gradient: ".length()).split(",");
        assertEquals(-400 * -1.2 * (1 - 1.44) - 2 * (1 + 1.2), Double.parseDouble(g[0]), 1e-12, line);
        assertEquals(200 * (1 - 1.44), Double.parseDouble(g[1]), 1e-12, line);
    }
}
