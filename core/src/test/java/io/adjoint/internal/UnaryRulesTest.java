package io.adjoint.internal;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static io.adjoint.internal.Rec.MATH;
import static io.adjoint.internal.Rec.STRICT;
import static io.adjoint.internal.Rec.assertClose;
import static io.adjoint.internal.Rec.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every differentiable one-argument row of the rule table, for both owners: primal bit-identical to the
 * JDK function, gradient against a hand-derived derivative (written here, in a different form than the
 * production rule where a good one exists) and against Richardson finite differences of the JDK function.
 */
class UnaryRulesTest {

    /** Hand formula vs rule: both are a few roundings away from the true derivative. */
    static final double FORMULA_REL = 1e-13;
    /** Finite differences vs rule. */
    static final double FD_REL = 1e-8;
    /** Each row must be checked by finite differences at least at this many of its points. */
    static final int MIN_FD_POINTS = 3;

    private record Row(String name, DoubleUnaryOperator math, DoubleUnaryOperator strict,
                       DoubleUnaryOperator derivative, DoubleUnaryOperator step, double... points) {
    }

    private static final DoubleUnaryOperator ABS = x -> 0.125;
    private static final DoubleUnaryOperator REL = x -> x == 0 ? 0.125 : 0.125 * Math.abs(x);
    private static final DoubleUnaryOperator WIDE = x -> 0.125 * Math.max(1.0, Math.abs(x));
    private static final double LOG10_E = 0.4342944819032518; // 1 / ln 10, to 17 digits
    private static final double HALF_PI = 1.5707963267948966;
    private static final double BELOW_ONE = 0.9999999999;

    private static double asinPrime(double x) {
        return 1.0 / Math.sqrt((1.0 - x) * (1.0 + x)); // (1-x)(1+x) has no cancellation near |x| = 1
    }

    /** sech^2 x as 1 / cosh^2 x: not the rule's own formula (4t / (1 + t)^2), and finite for |x| up to ~350. */
    private static double sech2(double x) {
        double c = Math.cosh(x);
        return 1.0 / (c * c);
    }

    /** 1 / (1 + x^2) without overflow of x^2. */
    private static double atanPrime(double x) {
        if (Math.abs(x) <= 1) {
            return 1.0 / (1.0 + x * x);
        }
        double u = 1.0 / x;
        return u * u / (1.0 + u * u);
    }

    private static final List<Row> ROWS = List.of(
            new Row("exp", Math::exp, StrictMath::exp, StrictMath::exp, ABS,
                    -700, -30, -1.5, -1e-300, 0.0, 1e-8, 0.5, 3.7, 700),
            new Row("expm1", Math::expm1, StrictMath::expm1, StrictMath::exp, ABS,
                    -40, -20, -1.5, -1e-10, -1e-300, 0.0, 1e-300, 0.3, 5, 700),
            new Row("log", Math::log, StrictMath::log, x -> 1.0 / x, REL,
                    Double.MIN_NORMAL, 1e-300, 1e-10, 0.1, 1, 2.5, 1e10, 1e300),
            new Row("log10", Math::log10, StrictMath::log10, x -> LOG10_E / x, REL,
                    Double.MIN_NORMAL, 1e-300, 1e-10, 0.1, 1, 2.5, 1e10, 1e300),
            new Row("log1p", Math::log1p, StrictMath::log1p, x -> 1.0 / (1.0 + x),
                    x -> 0.125 * Math.min(1.0 + x, Math.max(1.0, Math.abs(x))),
                    -BELOW_ONE, -0.5, -1e-300, 0.0, 1e-300, 1e-10, 1, 1e10, 1e300),
            new Row("sqrt", Math::sqrt, StrictMath::sqrt, x -> 0.5 * Math.sqrt(x) / x, REL,
                    1e-310, 1e-300, 1e-10, 0.25, 2, 1e10, 1e300, Double.MAX_VALUE),
            new Row("cbrt", Math::cbrt, StrictMath::cbrt, x -> StrictMath.cbrt(x) / (3.0 * x), REL,
                    -1e300, -8, -1e-300, 1e-310, 1e-10, 0.001, 3, 1e300),
            new Row("sin", Math::sin, StrictMath::sin, StrictMath::cos, ABS,
                    -1e6, -3, -1e-300, 0.0, 1e-8, 0.5, HALF_PI, 1e10),
            new Row("cos", Math::cos, StrictMath::cos, x -> -StrictMath.sin(x), ABS,
                    -1e6, -3, -1e-300, 0.0, 1e-8, 0.5, HALF_PI, 1e10),
            new Row("tan", Math::tan, StrictMath::tan, x -> 1.0 / (StrictMath.cos(x) * StrictMath.cos(x)),
                    x -> 0.125 * Math.min(1.0, Math.abs(Math.cos(x))),
                    -1.5, -1e-300, 0.0, 0.7, 1.57, 1e6),
            new Row("asin", Math::asin, StrictMath::asin, UnaryRulesTest::asinPrime, x -> 0.125 * (1 - Math.abs(x)),
                    -BELOW_ONE, -0.5, -1e-300, 0.0, 1e-10, 0.3, 0.999, BELOW_ONE),
            new Row("acos", Math::acos, StrictMath::acos, x -> -asinPrime(x), x -> 0.125 * (1 - Math.abs(x)),
                    -BELOW_ONE, -0.5, -1e-300, 0.0, 1e-10, 0.3, 0.999, BELOW_ONE),
            new Row("atan", Math::atan, StrictMath::atan, UnaryRulesTest::atanPrime, WIDE,
                    -1e300, -1e10, -2, -1e-300, 0.0, 0.5, 3, 1e10),
            new Row("sinh", Math::sinh, StrictMath::sinh, StrictMath::cosh, ABS,
                    -700, -20, -1, -1e-300, 0.0, 1e-8, 2, 700),
            new Row("cosh", Math::cosh, StrictMath::cosh, StrictMath::sinh, ABS,
                    -700, -20, -1, -1e-300, 0.0, 1e-8, 2, 700),
            new Row("tanh", Math::tanh, StrictMath::tanh, UnaryRulesTest::sech2, ABS,
                    -20, -10, -1, -1e-300, 0.0, 1e-8, 0.5, 3, 20, 300),
            new Row("abs", Math::abs, StrictMath::abs, x -> x < 0 ? -1.0 : 1.0, REL,
                    -1e300, -2, -1e-300, 1e-300, 3, 1e300),
            new Row("toRadians", Math::toRadians, StrictMath::toRadians, x -> Math.PI / 180.0, REL,
                    -1e300, -180, -1e-300, 0.0, 1e-300, 90, 1e300),
            new Row("toDegrees", Math::toDegrees, StrictMath::toDegrees, x -> 180.0 / Math.PI, REL,
                    -1e300, -3, -1e-300, 0.0, 1e-300, 1.5, 1e300),
            new Row("nextUp", Math::nextUp, StrictMath::nextUp, x -> 1.0, WIDE,
                    -1e300, -1, -1e-300, 0.0, 1, 1e300),
            new Row("nextDown", Math::nextDown, StrictMath::nextDown, x -> 1.0, WIDE,
                    -1e300, -1, -1e-300, 0.0, 1, 1e300));

    static List<String> names() {
        return ROWS.stream().map(Row::name).toList();
    }

    @TestFactory
    Stream<DynamicTest> everyUnaryRule() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row row : ROWS) {
            for (String owner : List.of(MATH, STRICT)) {
                DoubleUnaryOperator f = owner.equals(MATH) ? row.math() : row.strict();
                tests.add(DynamicTest.dynamicTest(owner + "." + row.name(), () -> check(owner, row, f)));
            }
        }
        return tests.stream();
    }

    private static void check(String owner, Row row, DoubleUnaryOperator f) {
        MethodHandle rule = Rec.rule(owner, row.name(), "(D)D");
        List<Executable> checks = new ArrayList<>();
        int[] fdPoints = {0};
        for (double x : row.points()) {
            String at = owner + "." + row.name() + "(" + x + ")";
            checks.add(() -> {
                Rec.Run passive = Rec.run1(rule, x, false);
                assertFalse(passive.active(), at + " of a passive argument must be passive");
                assertEquals(0, passive.nodes(), at + ": the passive path records nothing");
                assertSameBits(f.applyAsDouble(x), passive.primal(), at + " passive primal");
            });
            checks.add(() -> {
                Rec.Run r = Rec.run1(rule, x, true);
                assertTrue(r.active(), at + " of an active argument must be active");
                assertEquals(2, r.nodes(), at + ": one input and one rule node");
                assertSameBits(f.applyAsDouble(x), r.primal(), at + " primal");
                double d = row.derivative().applyAsDouble(x);
                assertClose(d, r.grad()[0], FORMULA_REL, at + " derivative vs hand formula");
                double h0 = row.step().applyAsDouble(x);
                if (Rec.finiteDifferencesWork(f, x, h0, d)) {
                    fdPoints[0]++;
                    Rec.assertMatchesFiniteDifferences(f, x, h0, r.grad()[0], FD_REL, at + " derivative vs Richardson");
                }
            });
        }
        assertAll(owner + "." + row.name(), checks.stream());
        assertTrue(fdPoints[0] >= MIN_FD_POINTS, owner + "." + row.name() + ": finite differences checked only "
                + fdPoints[0] + " points");
    }
}
