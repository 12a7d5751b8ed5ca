package io.adjoint.it.isolated;

import io.adjoint.ScalarFunction;

/** Loaded by its own class loader in {@code io.adjoint.it.ClassLoadersTest}, as a plug-in or web application would be. */
public final class PluginModel {
    private PluginModel() {
    }

    public static ScalarFunction function() {
        return x -> Math.log(x[0]) * x[1] + square(x[1]);
    }

    private static double square(double v) {
        return v * v;
    }

    public static double[] gradient(double[] x) {
        return new double[] {x[1] / x[0], Math.log(x[0]) + 2 * x[1]};
    }
}
