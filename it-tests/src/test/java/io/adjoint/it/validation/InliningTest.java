package io.adjoint.it.validation;

import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Inlining of small callees into twins and scalar replacement of objects that do not escape (agent twin/Inlining,
 * ScalarReplacement; TwinGeneratorTest.smallCalleesAreInlined checks the generated code's shape): gradients against
 * hand-derived formulas, Hessians (replayed through the inlined code) against hand-derived second derivatives or
 * Richardson differences of the gradient, and what plain Java throws, thrown the same.
 */
class InliningTest {

    /** E = sum over pairs 4 (r2^-6 - r2^-3): dE/dr2 = 4 (-6 r2^-7 + 3 r2^-4), dr2/dp_i = 2 (p_i - p_j). */
    @Test
    void lennardJonesOverObjects() {
        double[] p = {0.0, 0.1, -0.05, 1.1, 0.02, 0.0, 0.03, 1.05, 0.1, 1.0, 1.1, -0.1};
        int n = p.length / 3;
        double[] g = new double[p.length];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double[] d = new double[3];
                double r2 = 0;
                for (int k = 0; k < 3; k++) {
                    d[k] = p[3 * i + k] - p[3 * j + k];
                    r2 += d[k] * d[k];
                }
                double dEdr2 = 4 * (-6 * Math.pow(r2, -7) + 3 * Math.pow(r2, -4));
                for (int k = 0; k < 3; k++) {
                    g[3 * i + k] += dEdr2 * 2 * d[k];
                    g[3 * j + k] -= dEdr2 * 2 * d[k];
                }
            }
        }
        V.gradient("Lennard-Jones over Vec", InliningTarget::lennardJones, p, g, ANALYTIC);
        V.hessianAgainstFd("Lennard-Jones over Vec", InliningTarget::lennardJones, p);
    }

    @Test
    void staticPrivateAndFinalMethods() {
        double[] x = {0.7, -1.3, 2.1};
        // f = x0^3 + (x1 x2)^2
        V.gradient("static, private, final", InliningTarget::staticPrivateFinal, x,
                new double[] {3 * x[0] * x[0], 2 * x[1] * x[2] * x[2], 2 * x[1] * x[1] * x[2]}, ANALYTIC);
        double[][] h = Gradients.hessian(InliningTarget::staticPrivateFinal).at(x);
        double[][] expected = {{6 * x[0], 0, 0}, {0, 2 * x[2] * x[2], 4 * x[1] * x[2]},
            {0, 4 * x[1] * x[2], 2 * x[1] * x[1]}};
        for (int i = 0; i < 3; i++) {
            V.compare("static, private, final: Hessian row " + i, expected[i], h[i], ANALYTIC);
        }
    }

    @Test
    void overridableMethodReachesTheOverride() {
        double[] x = {0.7, -1.3, 2.1};
        // Circle.area: pi x2^3 (Shape.area would give (x1 x2)^2)
        V.gradient("overridden", InliningTarget::overridden, x, new double[] {0, 0, 3 * Math.PI * x[2] * x[2]},
                ANALYTIC);
    }

    @Test
    void calleesWithLoopsAndBranches() {
        for (double x0 : new double[] {0.7, -0.6}) {
            double[] x = {x0, -1.3};
            double sign = x0 < 0 ? -1 : 1;
            double s = 1 + x0 + x0 * x0 + x0 * x0 * x0;
            double ds = 1 + 2 * x0 + 3 * x0 * x0;
            // f = sign s(x0) x1 + x1^2 + x0^3
            V.gradient("loops, x0 = " + x0, InliningTarget::loops, x,
                    new double[] {sign * ds * x[1] + 3 * x0 * x0, sign * s + 2 * x[1]}, ANALYTIC);
            V.hessianAgainstFd("loops, x0 = " + x0, InliningTarget::loops, x);
        }
    }

    @Test
    void nullReceiverThrowsAsInJava() {
        double[] x = {0.5, 2.0, 3.0};
        assertThrows(NullPointerException.class, () -> InliningTarget.nullReceiver(x.clone()), "plain Java");
        assertThrows(NullPointerException.class, () -> Gradients.of(InliningTarget::nullReceiver).at(x),
                "a call on null that does not read this");
        assertNull(io.adjoint.internal.Tape.current());
        assertThrows(NullPointerException.class, () -> InliningTarget.nullReceiverField(x.clone()), "plain Java");
        assertThrows(NullPointerException.class, () -> Gradients.of(InliningTarget::nullReceiverField).at(x),
                "a call on null that reads a field");
        double[] y = {-0.5, 2.0, 3.0};
        V.gradient("non-null receiver", InliningTarget::nullReceiver, y, new double[] {0, 2, 0}, ANALYTIC);
        V.gradient("non-null receiver, field", InliningTarget::nullReceiverField, y,
                new double[] {2 * y[0], 2 * y[1], 2 * y[2]}, ANALYTIC);
    }

    @Test
    void exceptionInsideAnInlinedCallee() {
        double[] x = {-0.5, 2.0};
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> InliningTarget.throwing(x.clone()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradients.of(InliningTarget::throwing).at(x));
        assertEquals(plain.getMessage(), e.getMessage());
        assertNull(io.adjoint.internal.Tape.current());
        double[] y = {0.5, 2.0};
        V.gradient("no exception", InliningTarget::throwing, y,
                new double[] {y[1] / (2 * Math.sqrt(y[0])), Math.sqrt(y[0])}, ANALYTIC);
    }

    /** The refusal names the inlined callee's own method and line, as it would without inlining. */
    @Test
    void opaqueCallInsideAnInlinedCalleeNamesItsLine() {
        V.loud("opaque call in an inlined callee", InliningTarget::opaqueInside, new double[] {0.5, 2.0},
                "java.util.OptionalDouble.of", "InliningTarget.java", "opaqueCallee");
    }

    @Test
    void objectEscapingOnOnePathStaysAnObject() {
        for (double x0 : new double[] {0.7, -0.7}) {
            double[] x = {x0, -1.3, 2.1, 0.4, -0.2, 1.1};
            double[] d = {x[0] - x[3], x[1] - x[4], x[2] - x[5]};
            double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            // f = |a - b|^2 x0
            double[] g = {2 * d[0] * x0 + r2, 2 * d[1] * x0, 2 * d[2] * x0, -2 * d[0] * x0, -2 * d[1] * x0,
                -2 * d[2] * x0};
            V.gradient("escapes on one path, x0 = " + x0, InliningTarget::escapesOnOnePath, x, g, ANALYTIC);
            InliningTarget.escaped = null;
            Gradients.of(InliningTarget::escapesOnOnePath).at(x); // the twin alone: did the object escape?
            if (x0 > 0) {
                InliningTarget.Vec e = InliningTarget.escaped;
                assertNotNull(e, "the object escaped");
                assertEquals(d[0], e.x);
                assertEquals(d[1], e.y);
                assertEquals(d[2], e.z);
            } else {
                assertNull(InliningTarget.escaped);
            }
        }
    }

    @Test
    void objectsOfTwoSitesInOneLocal() {
        double[] x = {0.7, -1.3, 2.1, 0.4, -0.2, 1.1, 0.9, 0.3, -0.8};
        // s = p0 . p1 + p1 . p2: d/dp0 = p1, d/dp1 = p0 + p2, d/dp2 = p1
        double[] g = new double[9];
        for (int k = 0; k < 3; k++) {
            g[k] = x[3 + k];
            g[3 + k] = x[k] + x[6 + k];
            g[6 + k] = x[3 + k];
        }
        V.gradient("two sites", InliningTarget::carriedAcrossIterations, x, g, ANALYTIC);
    }
}
