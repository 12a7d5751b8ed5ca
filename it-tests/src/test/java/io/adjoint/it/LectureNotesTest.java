package io.adjoint.it;

import io.adjoint.Derivative;
import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ValueAndGradient;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.Check.ANALYTIC;
import static io.adjoint.it.Check.FD;
import static io.adjoint.it.Check.close;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The worked examples of the backpropagation lecture notes (shared/seed/backprop-lecture-notes.md). */
class LectureNotesTest {

    /** h(t) = max(0, t^2): h'(t) = 1{t^2 >= 0} * 2t, which the notes give for every t, t = 0 included. */
    @Test
    void maxOfZeroAndSquare() {
        Derivative d = Gradients.derivative(t -> Math.max(0, t * t));
        Gradient g = Gradients.of(x -> Math.max(0, x[0] * x[0]));
        for (double t : new double[] {-3.0, -1e-3, 0.0, 1e-3, 0.5, 2.5}) {
            double expected = (t * t >= 0 ? 1.0 : 0.0) * 2 * t;
            close(expected, d.at(t), ANALYTIC, "d/dt max(0, t^2) at " + t);
            close(expected, g.at(t)[0], ANALYTIC, "gradient of max(0, t^2) at " + t);
        }
        assertEquals(0.0, d.at(0.0), "at t = 0 the derivative is 1{0 >= 0} * 0 = 0");
    }

    /** h(t) = sin(t) / t: h'(t) = cos(t) / t - sin(t) / t^2 (multivariate chain rule through v1 * v2). */
    @Test
    void sinOverT() {
        Derivative d = Gradients.derivative(t -> Math.sin(t) / t);
        for (double t : new double[] {-4.0, -0.3, 0.1, 1.0, 2.0, 7.5}) {
            double expected = Math.cos(t) / t - Math.sin(t) / (t * t);
            close(expected, d.at(t), ANALYTIC, "d/dt sin(t)/t at " + t);
            close(Check.fd(s -> Math.sin(s) / s, t), d.at(t), FD, "FD of sin(t)/t at " + t);
        }
    }

    /** The notes' decomposition itself: f(v1, v2) = v1 * v2 with v1 = sin t and v2 = 1 / t. */
    @Test
    void sinOverTAsProductOfTwoSubfunctions() {
        Derivative d = Gradients.derivative(t -> {
            double v1 = Math.sin(t);
            double v2 = 1 / t;
            return v1 * v2;
        });
        double t = 1.3;
        close((1 / t) * Math.cos(t) + Math.sin(t) * (-1 / (t * t)), d.at(t), ANALYTIC, "d/dt sin(t) * (1/t)");
    }

    /** Scenario (1): several inputs, one output, f(z1, z2) = y; each input gets its own upstream gradient. */
    @Test
    void twoInputsOneOutput() {
        Gradient g = Gradients.of(z -> z[0] * z[1] + Math.sin(z[0]) - z[1] * z[1] / 2);
        double z1 = 0.7, z2 = -1.9;
        ValueAndGradient vg = g.valueAndGradient(z1, z2);
        close(z1 * z2 + Math.sin(z1) - z2 * z2 / 2, vg.value(), ANALYTIC, "value");
        close(z2 + Math.cos(z1), vg.gradient()[0], ANALYTIC, "df/dz1");
        close(z1 - z2, vg.gradient()[1], ANALYTIC, "df/dz2");

        Gradient product = Gradients.of(z -> z[0] * z[1]);
        double[] p = product.at(3.0, -5.0);
        assertEquals(-5.0, p[0]);
        assertEquals(3.0, p[1]);
    }

    /**
     * Scenario (2): one input, several outputs: x feeds y1 = sin x, y2 = x^2 and y3 = exp x, combined into one
     * scalar L = y1 * y2 + y3; the adjoints from every use of x add up.
     */
    @Test
    void oneInputSeveralOutputsCombined() {
        Derivative d = Gradients.derivative(x -> {
            double y1 = Math.sin(x);
            double y2 = x * x;
            double y3 = Math.exp(x);
            return y1 * y2 + y3;
        });
        for (double x : new double[] {-1.5, 0.25, 2.0}) {
            double expected = Math.cos(x) * x * x + Math.sin(x) * 2 * x + Math.exp(x);
            close(expected, d.at(x), ANALYTIC, "fan-out at " + x);
        }
    }

    /** Fan-out of a vector component used in many places, and of an intermediate used by several outputs. */
    @Test
    void fanOutOfInputsAndIntermediates() {
        Gradient g = Gradients.of(x -> {
            double u = x[0] * x[1];        // used three times below
            double a = Math.sin(u);
            double b = u * u;
            double c = u + x[0];           // x[0] used again
            return a + b * c + x[0];
        });
        double x0 = 0.4, x1 = 1.7;
        double u = x0 * x1;
        double dLdu = Math.cos(u) + 2 * u * (u + x0) + u * u;
        double dLdx0 = dLdu * x1 + u * u + 1;
        double dLdx1 = dLdu * x0;
        double[] grad = g.at(x0, x1);
        close(dLdx0, grad[0], ANALYTIC, "dL/dx0");
        close(dLdx1, grad[1], ANALYTIC, "dL/dx1");
        double[] fd = Check.fdGradient(x -> {
            double v = x[0] * x[1];
            return Math.sin(v) + v * v * (v + x[0]) + x[0];
        }, new double[] {x0, x1});
        close(fd[0], grad[0], FD, "FD dL/dx0");
        close(fd[1], grad[1], FD, "FD dL/dx1");
    }
}
