package io.adjoint.it.validation;

import java.util.function.BiFunction;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleFunction;
import java.util.function.DoubleSupplier;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

/** Lambdas: created inside and called there, capturing active doubles, created before, java.util.function types. */
final class LambdasTarget {
    /** Composite Simpson rule on [a, b] with n (even) intervals. */
    static double simpson(DoubleUnaryOperator f, double a, double b, int n) {
        double h = (b - a) / n;
        double s = f.applyAsDouble(a) + f.applyAsDouble(b);
        for (int i = 1; i < n; i++) {
            s += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(a + i * h);
        }
        return s * h / 3;
    }

    /** The example: a is active and captured by the integrand. */
    static double gaussianIntegral(double[] x) {
        double a = x[0];
        return simpson(t -> Math.exp(-a * t * t), 0, 1, 100);
    }

    /** The bounds are active too: d/db int_a^b g = g(b), for Simpson's rule up to its discretisation. */
    static double integralWithActiveBounds(double[] x) {
        double a = x[0];
        return simpson(t -> Math.exp(-a * t * t), x[1], x[2], 100);
    }

    /** Created inside and called there, not capturing: f = x0^2 + 3 x1. */
    static double createdInside(double[] x) {
        DoubleUnaryOperator sq = t -> t * t;
        DoubleBinaryOperator lin = (u, v) -> u + 3 * v;
        return lin.applyAsDouble(sq.applyAsDouble(x[0]), x[1]);
    }

    /** A lambda returning a lambda that captures an active value: f = x0 * x1 * x2. */
    static double curried(double[] x) {
        DoubleFunction<DoubleUnaryOperator> times = u -> v -> u * v;
        DoubleUnaryOperator byX0 = times.apply(x[0]); // LOUD curried
        return byX0.applyAsDouble(x[1]) * x[2];
    }

    /** The java.util.function interfaces: f = x0^2 + x0 x1 + exp(x1) + sin(x0) x1 + 2 x0 + x1^3. */
    static double functionalInterfaces(double[] x) {
        ToDoubleFunction<double[]> first = a -> a[0] * a[0];
        ToDoubleBiFunction<double[], double[]> cross = (a, b) -> a[0] * b[1];
        Function<Double, Double> boxedExp = v -> Math.exp(v);
        BiFunction<Double, Double, Double> boxedMul = (u, v) -> Math.sin(u) * v;
        DoubleSupplier twiceX0 = () -> 2 * x[0];
        Supplier<Double> cubeX1 = () -> x[1] * x[1] * x[1];
        return first.applyAsDouble(x) + cross.applyAsDouble(x, x) + boxedExp.apply(x[1]) + boxedMul.apply(x[0], x[1])
                + twiceX0.getAsDouble() + cubeX1.get();
    }

    /** Composition through the JDK's default methods andThen / compose: f = exp(2 x0^2). */
    static double composed(double[] x) {
        DoubleUnaryOperator twice = v -> 2 * v;
        DoubleUnaryOperator exp = v -> Math.exp(v);
        DoubleUnaryOperator sq = v -> v * v;
        return twice.andThen(exp).compose(sq).applyAsDouble(x[0]); // LOUD composed
    }

    /** Called with a lambda made before the gradient call (and used by plain code before). */
    static double callBefore(DoubleUnaryOperator g, double[] x) {
        return g.applyAsDouble(x[0]) * x[1];
    }

    /** A serializable function type of the application's own. */
    interface SerialOp extends DoubleUnaryOperator, java.io.Serializable {
    }

    static SerialOp madeWhileRecording;

    /** Makes a serializable lambda inside the differentiated function and keeps it (a plugin registry would). */
    static double keepsASerializableLambda(double[] x) {
        double k = 3.0; // a passive capture
        SerialOp op = v -> k * v * v;
        madeWhileRecording = op;
        return op.applyAsDouble(x[0]);
    }

    /** Asks a gradient of a lambda made inside the differentiated function (at a passive point). */
    static double gradientOfALambdaMadeHere(double[] x) {
        double[] g = io.adjoint.Gradients.of(y -> y[0] * y[0] * 3).at(0.5);
        return x[0] * g[0];
    }
}
