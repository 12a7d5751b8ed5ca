package io.adjoint.benchmarks.workloads;

/**
 * The two worked examples of the backpropagation lecture notes (shared/seed/backprop-lecture-notes.md),
 * written as a user would: plain static methods over the parameter vector.
 */
public final class Lecture {
    private Lecture() {
    }

    /** h(t) = sin(t) / t (the multivariate chain rule example). */
    public static double sinOverT(double[] x) {
        double t = x[0];
        return Math.sin(t) / t;
    }

    /** h(t) = max(0, t^2) (the univariate chain rule example). */
    public static double maxZeroTSquared(double[] x) {
        double t = x[0];
        return Math.max(0, t * t);
    }
}
