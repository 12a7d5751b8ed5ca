package io.adjoint.it.host;

import io.adjoint.it.app.App;
import io.adjoint.it.app.Funcs;
import io.adjoint.it.host.Report.Call;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.adjoint.it.host.Report.gradient;
import static io.adjoint.it.host.Report.of;
import static io.adjoint.it.host.Report.only;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * report= on an application in a child JVM: every line valid JSON with all its fields, gradients equal to
 * hand-derived ones, the application's output byte for byte as without the agent; nested calls, recursion
 * and threads as the README defines them.
 */
class ReportTest {
    static final double REL = 1e-12;
    static final String F = "io.adjoint.it.app.Funcs";
    static final String ALL = F + "#f;" + F + "#g;" + F + "#h;" + F + "#power;" + F + "#scaleInPlace;" + F
            + "#checkedSqrt;" + F + "#bitTrick;" + F + "#scaleThenBits;" + F + "#viaHelper;io.adjoint.it.app.Model#loss";

    /** stdout of each scenario without the agent. */
    static final Map<String, String> PLAIN = new HashMap<>();

    @BeforeAll
    static void runWithoutAgent() throws Exception {
        for (String[] s : new String[][] {{"calls"}, {"nested"}, {"recursion"}, {"threads", "4", "25"}}) {
            Child c = Child.java().run(App.class.getName(), s);
            assertEquals(0, c.exit, c.describe());
            assertEquals("", c.err, "no agent, nothing on stderr");
            PLAIN.put(s[0], c.out);
        }
    }

    static Child reported(String... scenario) throws IOException, InterruptedException {
        Child c = Child.java().agent("report=" + ALL + ",out=report.jsonl").run(App.class.getName(), scenario);
        assertEquals(0, c.exit, c.describe());
        assertEquals(PLAIN.get(scenario[0]), c.out, "the application's output, with and without the agent");
        assertEquals(List.of("[adjoint] reporting gradients of " + ALL + " to "
                + c.dir.resolve("report.jsonl").toAbsolutePath()), c.adjointLines(), c.err);
        return c;
    }

    @Test
    void outputIsByteIdenticalWithTheAgentAndNoOptions() throws Exception {
        for (String[] s : new String[][] {{"calls"}, {"threads", "4", "25"}}) {
            Child c = Child.java().agent("").run(App.class.getName(), s);
            assertEquals(0, c.exit, c.describe());
            assertEquals(PLAIN.get(s[0]), c.out);
            assertEquals("", c.err, "the agent with no options writes nothing");
        }
    }

    @Test
    void eachCallGetsOneValidCompleteLineWithTheExactGradient() throws Exception {
        Child c = reported("calls");
        List<Call> calls = Report.read(c.dir.resolve("report.jsonl"));
        for (Call call : calls) {
            assertEquals("main", call.thread(), call.text());
        }

        List<Call> fs = of(calls, F + "#f");
        assertEquals(2, fs.size(), "f is called twice: " + fs);
        for (Call f : fs) {
            double x = f.arg(0), y = f.arg(1);
            assertEquals("(DD)D", f.descriptor());
            assertEquals(0, f.depth());
            assertEquals(Funcs.f(x, y), f.value(), 0.0, "the value, bit for bit");
            gradient(new double[] {y + Math.cos(x), x}, f, REL);
        }
        assertEquals(List.of(0.5, 2.0), fs.get(0).args());
        assertEquals(List.of(-1.25, 3.5), fs.get(1).args());

        Call g = only(calls, F + "#g");
        assertEquals("([DID)D", g.descriptor());
        double[] v = g.arrayArg(0);
        assertArrayEquals(new double[] {1.5, -2.0, 0.25, 9.0}, v);
        assertEquals(3.0, g.arg(1));
        double s = g.arg(2), sum = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        assertEquals(Funcs.g(v, 3, s), g.value(), 0.0);
        // flattened in argument order: the elements of v (the last one unused: 0), then s
        gradient(new double[] {2 * s * v[0], 2 * s * v[1], 2 * s * v[2], 0.0, sum}, g, REL);
        assertEquals(0.0, g.gradient()[3], 0.0, "an element the function never reads");

        Call scale = only(calls, F + "#scaleInPlace");
        double[] at = scale.arrayArg(0);
        assertArrayEquals(new double[] {1.0, -0.5, 3.0}, at, "args as they were at the call, not after it");
        gradient(new double[] {8 * at[0], 8 * at[1], 8 * at[2]}, scale, REL);
        assertEquals(4 * (1.0 + 0.25 + 9.0), scale.value(), 0.0);

        List<Call> powers = of(calls, F + "#power");
        assertEquals(5, powers.size(), "power(x, 4) and its 4 recursive calls: " + powers);
        Call top = powers.get(4);
        assertEquals(0, top.depth());
        gradient(new double[] {4 * Math.pow(1.1, 3)}, top, REL); // over the double argument only

        Call via = only(calls, F + "#viaHelper");
        double x = via.arg(0), y = via.arg(1);
        gradient(new double[] {Math.exp(x) * y * y * y, 3 * Math.exp(x) * y * y}, via, REL);

        Call bits = only(calls, F + "#bitTrick");
        assertNull(bits.gradient(), "no gradient through a bit trick: " + bits.text());
        assertNotNull(bits.error());
        assertTrue(bits.error().contains("longBitsToDouble"), bits.error());
        assertEquals(Funcs.bitTrick(2.0), bits.value(), 0.0, "the original ran: its value");

        Call failsLate = only(calls, F + "#scaleThenBits");
        assertArrayEquals(new double[] {3.0, 0.25}, failsLate.arrayArg(0), failsLate.text());
        assertNotNull(failsLate.error(), failsLate.text());
        assertEquals(Funcs.scaleThenBits(new double[] {3.0, 0.25}), failsLate.value(), 0.0, failsLate.text());
        // in the twin's bitTrick the fallback sees the restored array: the application printed "w after = [6.0, 0.5]"
        assertTrue(c.out.contains("w after = [6.0, 0.5]"), c.out);
        assertTrue(of(calls, F + "#bitTrick").size() == 1, "calls inside a call that fell back are not reported");

        List<Call> roots = of(calls, F + "#checkedSqrt");
        assertEquals(2, roots.size(), roots.toString());
        gradient(new double[] {0.5 / Math.sqrt(2.0)}, roots.get(0), REL);
        assertEquals("java.lang.IllegalArgumentException: negative: -1.0", roots.get(1).exception(), roots.get(1).text());

        Call loss = only(calls, "io.adjoint.it.app.Model#loss");
        double[] theta = loss.arrayArg(0);
        gradient(new double[] {2 * 0.5 * (theta[0] - 0), 2 * 0.5 * (theta[1] - 1), 2 * 0.5 * (theta[2] - 2)}, loss, REL);

        assertEquals(2 + 1 + 1 + 5 + 1 + 1 + 1 + 2 + 1, calls.size(), "one line per call, nothing else: " + calls);
    }

    /** f's partial derivatives: f(a, b) = a b + sin a. */
    static double fa(double a, double b) {
        return b + Math.cos(a);
    }

    static double fb(double a, double b) {
        return a;
    }

    static void checkH(List<Call> lines, int i, String thread) {
        Call f1 = lines.get(i), f2 = lines.get(i + 1), h = lines.get(i + 2);
        assertEquals(F + "#h", h.method(), h.text());
        double x = h.arg(0), y = h.arg(1);
        for (Call c : List.of(f1, f2, h)) {
            assertEquals(thread, c.thread(), c.text());
        }
        assertEquals(0, h.depth());
        assertEquals(F + "#f", f1.method());
        assertEquals(F + "#f", f2.method());
        assertEquals(1, f1.depth(), f1.text());
        assertEquals(1, f2.depth(), f2.text());
        assertEquals(List.of(x, y), f1.args(), "nested f(x, y)");
        assertEquals(List.of(y, x), f2.args(), "nested f(y, x)");
        gradient(new double[] {fa(x, y), fb(x, y)}, f1, REL);
        gradient(new double[] {fa(y, x), fb(y, x)}, f2, REL);
        assertEquals(Funcs.f(x, y), f1.value(), 0.0);
        assertEquals(Funcs.f(y, x), f2.value(), 0.0);
        double fxy = Funcs.f(x, y), fyx = Funcs.f(y, x);
        gradient(new double[] {fa(x, y) * fyx + fxy * fb(y, x), fb(x, y) * fyx + fxy * fa(y, x)}, h, REL);
        assertEquals(Funcs.h(x, y), h.value(), 0.0);
    }

    @Test
    void nestedReportedCallsGetTheirOwnLinesBeforeTheirCaller() throws Exception {
        Child c = reported("nested");
        List<Call> calls = Report.read(c.dir.resolve("report.jsonl"));
        assertEquals(6, calls.size(), calls.toString());
        checkH(calls, 0, "main");
        checkH(calls, 3, "main");
        assertEquals(List.of(0.7, -1.3), calls.get(2).args());
        assertEquals(List.of(2.0, 0.5), calls.get(5).args());
    }

    @Test
    void recursionGetsOneLinePerLevelInnermostFirst() throws Exception {
        Child c = reported("recursion");
        List<Call> calls = Report.read(c.dir.resolve("report.jsonl"));
        assertEquals(5, calls.size(), calls.toString());
        for (int k = 0; k <= 4; k++) {
            Call call = calls.get(k); // power(x, k) returned k-th, at depth 4 - k
            assertEquals(F + "#power", call.method());
            assertEquals(4 - k, call.depth(), call.text());
            assertEquals(List.of(1.1, (double) k), call.args(), call.text());
            assertEquals(Funcs.power(1.1, k), call.value(), 0.0, call.text());
            if (k == 0) {
                assertArrayEquals(new double[] {0.0}, call.gradient(), call.text());
            } else {
                gradient(new double[] {k * Math.pow(1.1, k - 1)}, call, REL);
            }
        }
    }

    @Test
    void callsFromSeveralThreadsAtOnce() throws Exception {
        int threads = 4, each = 25;
        Child c = reported("threads", String.valueOf(threads), String.valueOf(each));
        List<Call> calls = Report.read(c.dir.resolve("report.jsonl"));
        assertEquals(threads * each * 4, calls.size(), "per iteration: f, and h with its two nested f");
        for (int k = 0; k < threads; k++) {
            String thread = "worker-" + k;
            List<Call> mine = calls.stream().filter(l -> l.thread().equals(thread)).toList();
            assertEquals(each * 4, mine.size(), thread);
            for (int n = 0; n < each; n++) { // the iterations of a thread, in order
                double x = 0.1 * k + 0.01 * n, y = 1.0 - 0.02 * n;
                Call f = mine.get(4 * n);
                assertEquals(F + "#f", f.method(), f.text());
                assertEquals(0, f.depth(), f.text());
                assertEquals(List.of(x, y), f.args(), f.text());
                gradient(new double[] {fa(x, y), fb(x, y)}, f, REL);
                checkH(mine, 4 * n + 1, thread);
                assertEquals(List.of(x, y), mine.get(4 * n + 3).args());
            }
        }
        // the lines of one call are written at once: the nested lines of an h come right before it in the file
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).method().equals(F + "#h")) {
                checkH(calls, i - 2, calls.get(i).thread());
            }
        }
    }

    @Test
    void lineAndValueOfEveryCallMatchWhatTheApplicationPrinted() throws Exception {
        Child c = reported("calls");
        List<Call> calls = Report.read(c.dir.resolve("report.jsonl"));
        // "f(0.5,2.0) = <value> [<bits>]" in the application's output, the same double in the report
        Call f = of(calls, F + "#f").get(0);
        String printed = Arrays.stream(c.out.split("\n")).filter(l -> l.startsWith("f(0.5,2.0) = ")).findFirst()
                .orElseThrow();
        assertEquals("f(0.5,2.0) = " + f.value() + " [" + Long.toHexString(Double.doubleToRawLongBits(f.value())) + "]",
                printed);
    }
}
