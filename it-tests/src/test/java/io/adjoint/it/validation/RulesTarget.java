package io.adjoint.it.validation;

import io.adjoint.Gradients;

import java.awt.geom.Point2D;

/** User rules for methods Adjoint cannot see into, and stopGradient. */
final class RulesTarget {
    /** ExcludedLib.softplus is uninstrumented; with a registered rule: f = softplus(x0 * x1). */
    static double softplus(double[] x) {
        return ExcludedLib.softplus(x[0] * x[1]);
    }

    /** Two-argument rule: f = mix(x0, x1^2) = x0 x1^2 + sin(x0). */
    static double mix(double[] x) {
        return ExcludedLib.mix(x[0], x[1] * x[1]);
    }

    /** Without a rule: refused. */
    static double logistic(double[] x) {
        return ExcludedLib.logistic(x[0] + 1); // LOUD logistic
    }

    /** A JDK method (never instrumented) with a registered rule: the distance between two points. */
    static double distance(double[] x) {
        return Point2D.distance(x[0], x[1], x[2], x[3]);
    }

    /** stopGradient: f = x0 * stop(x1) + stop(x0 * x1) * x1, gradient (x1, x0 x1) as if the stopped were constants. */
    static double stopped(double[] x) {
        return x[0] * Gradients.stopGradient(x[1]) + Gradients.stopGradient(x[0] * x[1]) * x[1];
    }

    /** A straight-through estimator: round(x) in the value, identity in the derivative. */
    static double straightThrough(double[] x) {
        double v = x[0] * 3;
        return v + Gradients.stopGradient(Math.rint(v) - v);
    }
}
