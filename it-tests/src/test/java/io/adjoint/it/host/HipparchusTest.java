package io.adjoint.it.host;

import io.adjoint.it.host.Report.Call;
import io.adjoint.it.thirdparty.Cases;
import io.adjoint.it.thirdparty.CommonsMathDriver;
import io.adjoint.it.thirdparty.Driver;
import org.hipparchus.analysis.differentiation.DSFactory;
import org.hipparchus.analysis.differentiation.UnivariateDifferentiableFunction;
import org.hipparchus.special.Erf;
import org.hipparchus.special.Gamma;
import org.hipparchus.util.FastMath;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real third-party library under -javaagent with report=: Hipparchus (org.hipparchus:hipparchus-core, from
 * Maven Central), its own methods reported: {@code value(double)} of 30 classes of
 * org.hipparchus.analysis.function, {@code Gamma.logGamma} and {@code Erf.erf}. Each gradient is checked
 * against the library's own analytic derivative ({@code value(DerivativeStructure)}), logGamma against
 * {@code Gamma.digamma}, erf against 2/sqrt(pi) exp(-x^2). The same for commons-math3 3.6.1, whose Java 5
 * class files get the prologues' older form.
 */
class HipparchusTest {
    static final double REL = 1e-12;

    static String hipparchusJar() {
        return jar("hipparchus-core");
    }

    static String jar(String artifact) {
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.contains(artifact)) {
                return e;
            }
        }
        throw new AssertionError(artifact + " on the test class path");
    }

    /** digamma at Cases.LOG_GAMMA to 30 significant digits (mpmath.digamma, mp.dps = 30). */
    static final double[] DIGAMMA = {
        -3.50252422220013312491535114755, // 0.3
        -0.577215664901532860606512090082, // 1.0: minus the Euler-Mascheroni constant
        0.703156640645243187225690333668, // 2.5
        1.91045352688373602838249456122, // 7.25
        3.38443813268552487656192824071, // 30.0
    };
    /** How close Hipparchus' Gamma.digamma comes to digamma at these points (measured: 5e-9 at 1.0). */
    static final double DIGAMMA_ACCURACY = 1e-8;

    static void close(double expected, double actual, String what) {
        if (!(Math.abs(actual - expected) <= REL * Math.abs(expected))) {
            fail(what + ": expected " + expected + " but was " + actual + " (relative difference "
                    + Math.abs(actual - expected) / Math.abs(expected) + ")");
        }
    }

    @Test
    void hipparchusReportedAgainstItsOwnDerivatives() throws Exception {
        List<String> methods = new ArrayList<>();
        for (Cases.Case c : Cases.FUNCTIONS) {
            methods.add(c.className() + "#value");
        }
        methods.add("org.hipparchus.special.Gamma#logGamma");
        methods.add("org.hipparchus.special.Erf#erf");
        assertTrue(Cases.FUNCTIONS.size() >= 20);

        Child plain = Child.java().classPath(hipparchusJar()).run(Driver.class.getName());
        assertEquals(0, plain.exit, plain.describe());
        Child c = Child.java().classPath(hipparchusJar())
                .agent("report=" + String.join(";", methods) + ",out=hipparchus.jsonl").run(Driver.class.getName());
        assertEquals(0, c.exit, c.describe());
        assertEquals(plain.out, c.out, "the program's output with and without the agent");
        assertEquals(1, c.adjointLines().size(), "only the line naming the report file: " + c.err);

        List<Call> calls = Report.read(c.dir.resolve("hipparchus.jsonl"));
        List<Call> top = calls.stream().filter(l -> l.depth() == 0).collect(Collectors.toList());
        Map<String, Cases.Case> byClass = Cases.FUNCTIONS.stream()
                .collect(Collectors.toMap(Cases.Case::className, Function.identity()));
        DSFactory ds = new DSFactory(1, 1);
        int k = 0;
        for (Cases.Case cs : Cases.FUNCTIONS) {
            for (double x : cs.xs()) {
                Call call = top.get(k++);
                String what = call.text();
                assertEquals(cs.className() + "#value", call.method(), what);
                assertEquals("(D)D", call.descriptor(), what);
                assertEquals(List.of(x), call.args(), what);
                UnivariateDifferentiableFunction f = byClass.get(cs.className()).function().get();
                assertEquals(f.value(x), call.value(), 0.0, "the value, bit for bit: " + what);
                assertTrue(call.gradient() != null && call.gradient().length == 1, what);
                double expected = f.value(ds.variable(0, x)).getPartialDerivative(1);
                if (expected == 0) {
                    assertEquals(0.0, call.gradient()[0], 0.0, what);
                } else {
                    close(expected, call.gradient()[0], what);
                }
            }
        }
        for (int i = 0; i < Cases.LOG_GAMMA.length; i++) {
            double x = Cases.LOG_GAMMA[i];
            Call call = top.get(k++);
            assertEquals("org.hipparchus.special.Gamma#logGamma", call.method(), call.text());
            assertEquals(List.of(x), call.args());
            assertEquals(Gamma.logGamma(x), call.value(), 0.0, call.text());
            close(DIGAMMA[i], call.gradient()[0], call.text() + " against digamma to 30 digits");
            // the library's own digamma agrees, to its own accuracy (about 1e-9: e.g. at 1 it gives
            // -0.5772156677920679 for -0.5772156649015329)
            assertEquals(0.0, (call.gradient()[0] - Gamma.digamma(x)) / Gamma.digamma(x), DIGAMMA_ACCURACY,
                    call.text() + " against Gamma.digamma");
        }
        for (double x : Cases.ERF) {
            Call call = top.get(k++);
            assertEquals("org.hipparchus.special.Erf#erf", call.method(), call.text());
            assertEquals(List.of(x), call.args());
            assertEquals(Erf.erf(x), call.value(), 0.0, call.text());
            close(2 / FastMath.sqrt(FastMath.PI) * FastMath.exp(-x * x), call.gradient()[0], call.text());
        }
        assertEquals(k, top.size(), "one line per call: " + top.subList(k, top.size()));
        // nested lines (library methods of these names calling one another) are valid lines with gradients
        for (Call n : calls) {
            assertTrue(n.gradient() != null, n.text());
        }
        System.out.println("[adjoint-it] hipparchus: " + top.size() + " calls of " + methods.size()
                + " methods, " + (calls.size() - top.size()) + " nested lines; " + Arrays.asList(c.dir));
    }

    /** commons-math3 3.6.1: Java 5 class files, so the prologues without invokedynamic or frames. */
    @Test
    void commonsMath3ReportedAgainstItsOwnDerivatives() throws Exception {
        List<String> methods = new ArrayList<>();
        for (var f : CommonsMathDriver.FUNCTIONS) {
            methods.add(f.get().getClass().getName() + "#value");
        }
        methods.add("org.apache.commons.math3.special.Gamma#logGamma");
        methods.add("org.apache.commons.math3.special.Erf#erf");
        String cp = jar("commons-math3");
        Child plain = Child.java().classPath(cp).run(CommonsMathDriver.class.getName());
        assertEquals(0, plain.exit, plain.describe());
        Child c = Child.java().classPath(cp).agent("verbose,report=" + String.join(";", methods) + ",out=cm.jsonl")
                .run(CommonsMathDriver.class.getName());
        assertEquals(0, c.exit, c.describe());
        assertEquals(plain.out, c.out, "the program's output with and without the agent");
        assertTrue(c.err.contains("prologues added to 4 method(s) of org.apache.commons.math3.analysis.function.Sin"),
                c.err);
        List<Call> top = Report.read(c.dir.resolve("cm.jsonl")).stream().filter(l -> l.depth() == 0)
                .collect(Collectors.toList());
        int k = 0;
        for (var s : CommonsMathDriver.FUNCTIONS) {
            var f = s.get();
            for (double x : CommonsMathDriver.XS) {
                Call call = top.get(k++);
                assertEquals(f.getClass().getName() + "#value", call.method(), call.text());
                assertEquals(List.of(x), call.args());
                assertEquals(f.value(x), call.value(), 0.0, call.text());
                assertTrue(call.gradient() != null, call.text());
                close(f.value(new org.apache.commons.math3.analysis.differentiation.DerivativeStructure(1, 1, 0, x))
                        .getPartialDerivative(1), call.gradient()[0], call.text());
            }
        }
        for (int i = 0; i < CommonsMathDriver.LOG_GAMMA.length; i++) {
            Call call = top.get(k++);
            assertEquals("org.apache.commons.math3.special.Gamma#logGamma", call.method(), call.text());
            assertEquals(org.apache.commons.math3.special.Gamma.logGamma(CommonsMathDriver.LOG_GAMMA[i]), call.value(),
                    0.0);
            close(DIGAMMA[i], call.gradient()[0], call.text() + " against digamma to 30 digits");
        }
        for (double x : CommonsMathDriver.ERF) {
            Call call = top.get(k++);
            assertEquals("org.apache.commons.math3.special.Erf#erf", call.method(), call.text());
            assertEquals(org.apache.commons.math3.special.Erf.erf(x), call.value(), 0.0);
            close(2 / Math.sqrt(Math.PI) * Math.exp(-x * x), call.gradient()[0], call.text());
        }
        assertEquals(k, top.size(), "one line per call");
    }
}
