package io.adjoint.it;

import io.adjoint.Derivative;
import io.adjoint.Gradient;
import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.Check.ANALYTIC;
import static io.adjoint.it.Check.FD;
import static io.adjoint.it.Check.close;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Recursion, iteration, branching, conversions, arrays and objects in the differentiated code. */
class ControlFlowTest {

    @Test
    void recursivePower() {
        for (int n = 0; n <= 9; n++) {
            int k = n;
            Derivative d = Gradients.derivative(x -> Programs.power(x, k));
            Derivative s = Gradients.derivative(x -> Programs.powerBySquaring(x, k));
            for (double x : new double[] {-1.7, 0.3, 2.0}) {
                double expected = n == 0 ? 0 : n * Math.pow(x, n - 1);
                close(expected, d.at(x), ANALYTIC, "d/dx x^" + n + " (recursive) at " + x);
                close(expected, s.at(x), ANALYTIC, "d/dx x^" + n + " (squaring) at " + x);
            }
        }
    }

    /** d/dx sum_{j<=n} x^j/j! = sum_{j<=n-1} x^j/j!. */
    @Test
    void recursiveSeries() {
        Derivative d = Gradients.derivative(x -> Programs.expSeries(x, 1, 20));
        for (double x : new double[] {-2.0, 0.0, 0.7, 3.0}) {
            double expected = 0, term = 1;
            for (int j = 0; j <= 19; j++) {
                expected += term;
                term *= x / (j + 1);
            }
            close(expected, d.at(x), ANALYTIC, "series at " + x);
        }
    }

    /** Newton for y^3 + y = x: the derivative of the solution is 1 / (3 y^2 + 1) (implicit function theorem). */
    @Test
    void newtonWithDataDependentExit() {
        Derivative d = Gradients.derivative(Programs::solveCubic);
        Derivative w = Gradients.derivative(Programs::solveCubicWhile);
        assertEquals(0.0, w.at(0.0), "no Newton step at x = 0: the program's result does not depend on x there");
        for (double x : new double[] {-30.0, -2.0, 0.0, 0.5, 2.0, 10.0, 1000.0}) {
            double y = Programs.solveCubic(x);
            assertEquals(x, y * y * y + y, 1e-12 * (1 + Math.abs(x)), "the solver solves");
            double expected = 1 / (3 * y * y + 1);
            close(expected, d.at(x), ANALYTIC, "dy/dx (for loop) at x = " + x);
            if (x != 0) { // at x = 0 the while loop starts on the root and runs no step: y is the constant 0
                close(expected, w.at(x), ANALYTIC, "dy/dx (while loop) at x = " + x);
            }
        }
    }

    @Test
    void loopsWithBreakAndContinue() {
        double[] x = {0.5, -1.0, 2.0, 1.5, -0.75, 0.25, 3.0, -2.0, 1.0, 0.1};
        double[] g = Gradients.of(Programs::loops).at(x);
        // reference: the same loop structure accumulating the exact partials by hand
        double[] expected = new double[x.length];
        outer:
        for (int i = 0; i < x.length; i++) {
            if (i % 3 == 2) {
                continue;
            }
            int j = 0;
            do {
                expected[i] += x[j];
                expected[j] += x[i];
                if (j == 4) {
                    continue outer;
                }
                j++;
            } while (j <= i);
            if (i == 7) {
                break;
            }
        }
        for (int k = 0; k < x.length; k++) {
            expected[k] -= 0.5;
        }
        Check.gradient(expected, g, ANALYTIC, "loops");
        Check.gradient(Check.fdGradient(Programs::loops, x), g, FD, "loops vs FD");
    }

    @Test
    void switches() {
        Gradient g = Gradients.of(Programs::switches);
        // case 0, default (code 5), exp branch
        double[] a = {0.5, 1.25, 5.0, 0.3};
        double t = a[0] + a[1];
        Check.gradient(new double[] {2 * t, 2 * a[1] + 2 * t, 0, Math.exp(a[3])}, g.at(a), ANALYTIC, "case 0");
        // case 1, code 7, log branch
        double[] b = {1.5, 0.8, 7.9, -2.0};
        Check.gradient(new double[] {-b[1] / (b[0] * b[0]), Math.cos(b[1]) + 1 / b[0], 0, 1 / b[3]},
                g.at(b), ANALYTIC, "case 1");
        // case 2 (shared with 3), code -1000
        double[] c = {2.5, -0.5, -1000.2, 1.0};
        Check.gradient(new double[] {c[1], c[0] + 2, 0, Math.exp(c[3])}, g.at(c), ANALYTIC, "case 2");
        // default, code 1_000_000
        double[] e = {-4.5, 3.0, 1_000_000.5, 0.1};
        Check.gradient(new double[] {0, -1, 0, Math.exp(e[3])}, g.at(e), ANALYTIC, "default");
    }

    @Test
    void earlyReturns() {
        Derivative d = Gradients.derivative(Programs::piecewise);
        close(-2 * -3.0, d.at(-3.0), ANALYTIC, "x < -1");
        close(3 * 0.25 + 1, d.at(-0.5), ANALYTIC, "-1 <= x <= 0");
        close(42, d.at(0.5), ANALYTIC, "x == 0.5");
        close(0.5 / Math.sqrt(9), d.at(9.0), ANALYTIC, "x >= 2");
        close(1 / ((1 + 1.5) * (1 + 1.5)), d.at(1.5), ANALYTIC, "otherwise");
        assertEquals(0.0, d.at(1.0), "constant branch");
    }

    @Test
    void intAndLongConversionsArePassive() {
        Gradient g = Gradients.of(Programs::conversions);
        double[] table = {1.5, -2.0, 3.25, 0.5, 4.0};
        for (double[] x : new double[][] {{2.7, 5.25, 0.4}, {0.1, -3.75, -1.3}, {4.9, 0.5, 2.0}}) {
            int index = (int) x[0];
            long whole = (long) x[1];
            double fraction = x[1] - whole;
            long scaled = Math.round(x[2] * 1000);
            int n = (int) (x[1] * 3);
            double mixed = index + whole * 0.25 + scaled / 1000.0 + n;
            Check.gradient(new double[] {0, 2 * fraction, table[index] + mixed}, g.at(x), ANALYTIC,
                    "conversions at " + java.util.Arrays.toString(x));
        }
    }

    @Test
    void arraysCreatedAndWrittenInside() {
        double[] x = {0.5, -1.5, 2.0, 0.75};
        // total = sum x_i^2 + x_0 + 3; sorted[0] * sorted[last] = min * max; filled = x_1^2
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = 2 * x[i];
        }
        expected[0] += 1;
        expected[1] += 2.0;            // min, times max
        expected[2] += -1.5;           // max, times min
        expected[1] += 2 * x[1];       // filled[0] * filled[2]
        Check.gradient(expected, Gradients.of(Programs::arrays).at(x), ANALYTIC, "arrays");
    }

    /** x^T H x with H symmetric: gradient 2 H x. */
    @Test
    void twoDimensionalArrays() {
        double[] x = {1.0, -2.0, 0.5, 3.0, -0.25};
        int n = x.length;
        double[] expected = new double[n];
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                expected[i] += 2.0 / (i + j + 1) * x[j];
                scale[i] += 2.0 / (i + j + 1) * Math.abs(x[j]);
            }
        }
        double[] g = Gradients.of(Programs::quadraticForm).at(x);
        for (int i = 0; i < n; i++) {
            close(expected[i], g[i], ANALYTIC, scale[i], "2Hx[" + i + "]");
        }
    }

    @Test
    void tryCatchInsideTheFunction() {
        Gradient g = Gradients.of(Programs::tryCatch);
        // index 2 in range: r = x0 * x2 + x0
        double[] in = {1.5, 2.0, -0.5};
        Check.gradient(new double[] {in[2] + 1, 0, in[0]}, g.at(in), ANALYTIC, "no exception");
        // index 9 out of range: r = x0^2 + x0
        double[] out = {1.5, 9.0, -0.5};
        Check.gradient(new double[] {2 * out[0] + 1, 0, 0}, g.at(out), ANALYTIC, "caught exception");
    }

    @Test
    void longAndDoubleLocalsAndManyParameters() {
        long b = 4;
        int d = -3;
        Object o = "A"; // 'A' = 65
        Gradient g = Gradients.of(x -> Programs.manyLocals(x[0], b, x[1], d, x[2], o, x[3]));
        double a = 0.75, c = 1.5, e = -2.0, f = 0.25;
        long l = b * 3 + d;
        long m = l - (long) c;
        double y = a * c + l + 2.5;
        double den = m + 0.5;
        double[] expected = {c * e / den + 65, a * e / den, y / den, -1 / den};
        Check.gradient(expected, g.at(a, c, e, f), ANALYTIC, "manyLocals");
    }

    @Test
    void staticAndInstanceMethodsWithDispatch() {
        double[] x = {0.5, -1.2, 0.3, 0.8};
        double x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        double[] expected = {
            2 * x0 + 0.25 * 4 * x0 * x0 * x0,                                 // Square
            3 + 0.25 * 2 * 9 * x1,                                             // Scaled(3)
            Math.exp(x2) + 0.25 * 2 * Math.exp(2 * x2),                        // Exp: 2f - f = e^x
            (Math.exp(x3) + 1) * (1 + 0.25 * 2 * (Math.exp(x3) + x3)),         // ExpPlusX
        };
        Check.gradient(expected, Gradients.of(Shapes::polymorphic).at(x), ANALYTIC, "polymorphic");
    }

    @Test
    void objectFieldsWrittenInside() {
        double x0 = 0.6, x1 = -1.4;
        // c = (x0 + x1, x1 + 2) * x0; s = |c|; f = s^2 + s
        double cx = (x0 + x1) * x0, cy = (x1 + 2) * x0;
        double s = Math.sqrt(cx * cx + cy * cy);
        double dfds = 2 * s + 1;
        double dsdcx = cx / s, dsdcy = cy / s;
        double dx0 = dfds * (dsdcx * (2 * x0 + x1) + dsdcy * (x1 + 2));
        double dx1 = dfds * (dsdcx * x0 + dsdcy * x0);
        double[] g = Gradients.of(Shapes::fields).at(x0, x1);
        Check.gradient(new double[] {dx0, dx1}, g, ANALYTIC, "fields");
        assertEquals(0.0, Shapes.scratch, "the static field holds what the program wrote last");
    }
}
