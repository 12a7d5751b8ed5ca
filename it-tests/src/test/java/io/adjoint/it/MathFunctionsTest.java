package io.adjoint.it;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import io.adjoint.ValueAndGradient;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.adjoint.it.Check.ANALYTIC;
import static io.adjoint.it.Check.FD;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every java.lang.Math and java.lang.StrictMath function Adjoint has a rule for, called from ordinary
 * compiled code (the lambdas below are methods of this class), against hand-derived derivatives and
 * against finite differences.
 */
class MathFunctionsTest {

    /** One function, written with Math and with StrictMath, its hand-derived gradient, and points in its domain. */
    private record Case(String name, ScalarFunction math, ScalarFunction strict, Function<double[], double[]> gradient,
                        double[][] points) {
    }

    private static Case unary(String name, ScalarFunction math, ScalarFunction strict, DoubleUnaryOperator d,
                              double... points) {
        double[][] ps = new double[points.length][];
        for (int i = 0; i < points.length; i++) {
            ps[i] = new double[] {points[i]};
        }
        return new Case(name, math, strict, x -> new double[] {d.applyAsDouble(x[0])}, ps);
    }

    private static Case multi(String name, ScalarFunction math, ScalarFunction strict,
                              Function<double[], double[]> gradient, double[]... points) {
        return new Case(name, math, strict, gradient, points);
    }

    private static final double LN10 = Math.log(10);

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(unary("exp", x -> Math.exp(x[0]), x -> StrictMath.exp(x[0]), Math::exp, -2.0, 0.0, 1.5));
        c.add(unary("log", x -> Math.log(x[0]), x -> StrictMath.log(x[0]), x -> 1 / x, 0.25, 1.0, 40.0));
        c.add(unary("log10", x -> Math.log10(x[0]), x -> StrictMath.log10(x[0]), x -> 1 / (x * LN10), 0.3, 7.0));
        c.add(unary("log1p", x -> Math.log1p(x[0]), x -> StrictMath.log1p(x[0]), x -> 1 / (1 + x), -0.5, 1e-3, 3.0));
        c.add(unary("expm1", x -> Math.expm1(x[0]), x -> StrictMath.expm1(x[0]), Math::exp, -1.0, 1e-4, 2.0));
        c.add(unary("sqrt", x -> Math.sqrt(x[0]), x -> StrictMath.sqrt(x[0]), x -> 0.5 / Math.sqrt(x), 0.04, 2.0, 81.0));
        c.add(unary("cbrt", x -> Math.cbrt(x[0]), x -> StrictMath.cbrt(x[0]),
                x -> 1 / (3 * Math.pow(Math.abs(x), 2.0 / 3)), -8.0, 0.5, 27.0));
        c.add(unary("sin", x -> Math.sin(x[0]), x -> StrictMath.sin(x[0]), Math::cos, -2.0, 0.0, 0.7, 4.0));
        c.add(unary("cos", x -> Math.cos(x[0]), x -> StrictMath.cos(x[0]), x -> -Math.sin(x), -2.0, 0.7, 4.0));
        c.add(unary("tan", x -> Math.tan(x[0]), x -> StrictMath.tan(x[0]),
                x -> 1 / (Math.cos(x) * Math.cos(x)), -1.2, 0.3, 1.1));
        c.add(unary("asin", x -> Math.asin(x[0]), x -> StrictMath.asin(x[0]), x -> 1 / Math.sqrt(1 - x * x),
                -0.6, 0.0, 0.3));
        c.add(unary("acos", x -> Math.acos(x[0]), x -> StrictMath.acos(x[0]), x -> -1 / Math.sqrt(1 - x * x),
                -0.6, 0.0, 0.3));
        c.add(unary("atan", x -> Math.atan(x[0]), x -> StrictMath.atan(x[0]), x -> 1 / (1 + x * x), -3.0, 0.5, 10.0));
        c.add(unary("sinh", x -> Math.sinh(x[0]), x -> StrictMath.sinh(x[0]), Math::cosh, -1.5, 0.0, 2.0));
        c.add(unary("cosh", x -> Math.cosh(x[0]), x -> StrictMath.cosh(x[0]), Math::sinh, -1.5, 0.5, 2.0));
        c.add(unary("tanh", x -> Math.tanh(x[0]), x -> StrictMath.tanh(x[0]),
                x -> 1 / (Math.cosh(x) * Math.cosh(x)), -1.5, 0.0, 0.8));
        c.add(unary("abs", x -> Math.abs(x[0]), x -> StrictMath.abs(x[0]), x -> x > 0 ? 1 : x < 0 ? -1 : 0,
                -2.5, 3.0));
        c.add(unary("toRadians", x -> Math.toRadians(x[0]), x -> StrictMath.toRadians(x[0]), x -> Math.PI / 180,
                -90.0, 45.0));
        c.add(unary("toDegrees", x -> Math.toDegrees(x[0]), x -> StrictMath.toDegrees(x[0]), x -> 180 / Math.PI,
                -1.0, 2.0));
        c.add(unary("nextUp", x -> Math.nextUp(x[0]) * x[0], x -> StrictMath.nextUp(x[0]) * x[0],
                x -> Math.nextUp(x) + x, -3.0, 0.5));
        // piecewise constant functions: derivative 0, so each is multiplied by x[1] to see it pass its value on
        c.add(multi("floor", x -> x[1] * Math.floor(x[0]) + x[0], x -> x[1] * StrictMath.floor(x[0]) + x[0],
                x -> new double[] {1, Math.floor(x[0])}, new double[] {2.7, 1.5}, new double[] {-2.3, 0.5}));
        c.add(multi("ceil", x -> x[1] * Math.ceil(x[0]) - x[0], x -> x[1] * StrictMath.ceil(x[0]) - x[0],
                x -> new double[] {-1, Math.ceil(x[0])}, new double[] {2.7, 1.5}, new double[] {-2.3, 0.5}));
        c.add(multi("rint", x -> x[1] * Math.rint(x[0]), x -> x[1] * StrictMath.rint(x[0]),
                x -> new double[] {0, Math.rint(x[0])}, new double[] {2.7, 1.5}, new double[] {-2.3, 0.5}));
        c.add(multi("round", x -> x[1] * Math.round(x[0]), x -> x[1] * StrictMath.round(x[0]),
                x -> new double[] {0, Math.round(x[0])}, new double[] {2.7, 1.5}, new double[] {-2.3, 0.5}));
        c.add(multi("signum", x -> x[1] * Math.signum(x[0]), x -> x[1] * StrictMath.signum(x[0]),
                x -> new double[] {0, Math.signum(x[0])}, new double[] {2.7, 1.5}, new double[] {-2.3, 0.5}));
        c.add(multi("ulp", x -> x[1] * Math.ulp(x[0]) * 1e15, x -> x[1] * StrictMath.ulp(x[0]) * 1e15,
                x -> new double[] {0, Math.ulp(x[0]) * 1e15}, new double[] {1.5, 2.0}, new double[] {-3.0, 0.5}));
        // functions of two or three arguments, each argument active
        c.add(multi("pow", x -> Math.pow(x[0], x[1]), x -> StrictMath.pow(x[0], x[1]),
                x -> new double[] {x[1] * Math.pow(x[0], x[1] - 1), Math.pow(x[0], x[1]) * Math.log(x[0])},
                new double[] {2.0, 3.0}, new double[] {0.5, -1.5}, new double[] {3.7, 0.4}));
        c.add(multi("atan2", x -> Math.atan2(x[0], x[1]), x -> StrictMath.atan2(x[0], x[1]),
                x -> new double[] {x[1] / (x[0] * x[0] + x[1] * x[1]), -x[0] / (x[0] * x[0] + x[1] * x[1])},
                new double[] {1.0, 2.0}, new double[] {-0.5, -3.0}, new double[] {2.0, -0.1}));
        c.add(multi("hypot", x -> Math.hypot(x[0], x[1]), x -> StrictMath.hypot(x[0], x[1]),
                x -> new double[] {x[0] / Math.hypot(x[0], x[1]), x[1] / Math.hypot(x[0], x[1])},
                new double[] {3.0, 4.0}, new double[] {-0.5, 1.25}));
        c.add(multi("max", x -> Math.max(x[0], x[1]) * x[2], x -> StrictMath.max(x[0], x[1]) * x[2],
                x -> x[0] > x[1] ? new double[] {x[2], 0, x[0]} : new double[] {0, x[2], x[1]},
                new double[] {3.0, 4.0, 1.5}, new double[] {-0.5, -1.25, 2.0}));
        c.add(multi("min", x -> Math.min(x[0], x[1]) * x[2], x -> StrictMath.min(x[0], x[1]) * x[2],
                x -> x[0] < x[1] ? new double[] {x[2], 0, x[0]} : new double[] {0, x[2], x[1]},
                new double[] {3.0, 4.0, 1.5}, new double[] {-0.5, -1.25, 2.0}));
        c.add(multi("fma", x -> Math.fma(x[0], x[1], x[2]), x -> StrictMath.fma(x[0], x[1], x[2]),
                x -> new double[] {x[1], x[0], 1}, new double[] {1.5, -2.0, 0.25}, new double[] {0.1, 3.0, -7.0}));
        c.add(multi("scalb", x -> Math.scalb(x[0], 3) + Math.scalb(x[1], -2), x -> StrictMath.scalb(x[0], 3)
                        + StrictMath.scalb(x[1], -2),
                x -> new double[] {8, 0.25}, new double[] {1.5, -2.0}, new double[] {-0.3, 5.0}));
        c.add(multi("copySign", x -> Math.copySign(x[0], x[1]), x -> StrictMath.copySign(x[0], x[1]),
                x -> new double[] {Math.signum(x[0]) * Math.signum(x[1]), 0},
                new double[] {1.5, -2.0}, new double[] {-0.3, 5.0}, new double[] {2.0, 3.0}, new double[] {-2.0, -3.0}));
        c.add(multi("IEEEremainder", x -> Math.IEEEremainder(x[0], x[1]), x -> StrictMath.IEEEremainder(x[0], x[1]),
                x -> new double[] {1, -Math.rint(x[0] / x[1])},
                new double[] {7.3, 2.0}, new double[] {-7.9, 2.0}, new double[] {10.2, -3.0}));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> mathAndStrictMath() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            for (boolean strict : new boolean[] {false, true}) {
                ScalarFunction f = strict ? c.strict() : c.math();
                String name = (strict ? "StrictMath." : "Math.") + c.name();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Gradient g = Gradients.of(f);
                    for (double[] p : c.points()) {
                        String where = name + " at " + Arrays.toString(p);
                        ValueAndGradient vg = g.valueAndGradient(p);
                        assertEquals(f.apply(p), vg.value(), where + ": the recorded value is the program's value");
                        Check.gradient(c.gradient().apply(p), vg.gradient(), ANALYTIC, where);
                        Check.gradient(Check.fdGradient(f, p), vg.gradient(), FD, where + " vs FD");
                    }
                }));
            }
        }
        return tests.stream();
    }

    // ---- conventions where the derivative does not exist ------------------------------------------

    @Test
    void absAtZeroAndSqrtAtZero() {
        assertEquals(0.0, Gradients.of(x -> Math.abs(x[0])).at(0.0)[0], "abs'(0) = 0");
        assertEquals(Double.POSITIVE_INFINITY, Gradients.of(x -> Math.sqrt(x[0])).at(0.0)[0], "sqrt'(0) = +inf");
    }

    @Test
    void maxAndMinTies() {
        // both active: split evenly
        double[] g = Gradients.of(x -> Math.max(x[0], x[1])).at(2.0, 2.0);
        assertEquals(0.5, g[0]);
        assertEquals(0.5, g[1]);
        g = Gradients.of(x -> StrictMath.min(x[0], x[1])).at(-1.0, -1.0);
        assertEquals(0.5, g[0]);
        assertEquals(0.5, g[1]);
        // one passive: all to the active side, as in the lecture notes' 1{v >= 0}
        assertEquals(1.0, Gradients.of(x -> Math.max(x[0], 3.0)).at(3.0)[0]);
        assertEquals(1.0, Gradients.of(x -> Math.min(3.0, x[0])).at(3.0)[0]);
    }

    /** A composition through several rules in one expression, both libraries mixed. */
    @Test
    void compositionOfRules() {
        ScalarFunction f = x -> Math.exp(StrictMath.sin(x[0]) * Math.sqrt(x[1])) + Math.log1p(Math.hypot(x[0], x[1]));
        double a = 0.7, b = 2.3;
        double s = Math.sin(a), r = Math.sqrt(b), e = Math.exp(s * r), h = Math.hypot(a, b);
        double[] expected = {e * Math.cos(a) * r + a / h / (1 + h), e * s * 0.5 / r + b / h / (1 + h)};
        Check.gradient(expected, Gradients.of(f).at(a, b), ANALYTIC, "composition");
    }
}
