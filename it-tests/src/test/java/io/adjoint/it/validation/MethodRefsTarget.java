package io.adjoint.it.validation;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

/** Method references: static, bound, unbound, constructor references, to application methods and to Math. */
final class MethodRefsTarget {
    final double k;

    MethodRefsTarget(double k) {
        this.k = k;
    }

    double times(double v) {
        return k * v;
    }

    static double square(double v) {
        return v * v;
    }

    double getK() {
        return k;
    }

    static double apply(DoubleUnaryOperator f, double v) {
        return f.applyAsDouble(v);
    }

    /** f = x0^2 (static ref) + x1 * x0 (bound ref, receiver built inside) + x1 (unbound ref). */
    static double applicationRefs(double[] x) {
        double s = apply(MethodRefsTarget::square, x[0]);
        MethodRefsTarget t = new MethodRefsTarget(x[1]);
        s += apply(t::times, x[0]);
        ToDoubleFunction<MethodRefsTarget> getter = MethodRefsTarget::getK;
        s += getter.applyAsDouble(t);
        return s;
    }

    /** A constructor reference called with an active value: the lambda proxy runs the constructor uninstrumented. */
    static double constructorRef(double[] x) {
        DoubleFunction<MethodRefsTarget> make = MethodRefsTarget::new;
        return make.apply(x[0]).times(x[1]); // LOUD constructorRef
    }

    /** f = sin x0 through a reference to Math's method: the proxy calls Math.sin uninstrumented. */
    static double mathRef(double[] x) {
        DoubleUnaryOperator sin = Math::sin;
        return sin.applyAsDouble(x[0]);
    }

    static double mathRef2(double[] x) {
        DoubleBinaryOperator hypot = Math::hypot;
        return hypot.applyAsDouble(x[0], x[1]);
    }

    /** The same Math functions wrapped in lambdas of the application: exact. */
    static double mathLambdas(double[] x) {
        DoubleUnaryOperator sin = v -> Math.sin(v);
        DoubleBinaryOperator hypot = (u, v) -> Math.hypot(u, v);
        return sin.applyAsDouble(x[0]) + hypot.applyAsDouble(x[0], x[1]);
    }
}
