package io.adjoint.it;

import io.adjoint.ScalarFunction;

/** Holds lambdas that exist, and have run, before Adjoint's agent is attached to the JVM. */
final class EarlyLambdas {
    private EarlyLambdas() {
    }

    static final ScalarFunction F = x -> Math.exp(x[0]) * x[1] + helper(x[1]);

    private static double helper(double v) {
        return v * v * v;
    }

    /** The gradient of {@link #F}, by hand. */
    static double[] gradient(double[] x) {
        return new double[] {Math.exp(x[0]) * x[1], Math.exp(x[0]) + 3 * x[1] * x[1]};
    }
}
