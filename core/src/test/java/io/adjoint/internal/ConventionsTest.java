package io.adjoint.internal;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleToIntFunction;
import java.util.function.DoubleToLongFunction;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static io.adjoint.internal.Rec.MATH;
import static io.adjoint.internal.Rec.STRICT;
import static io.adjoint.internal.Rec.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Points where the derivative does not exist, and the conventions the rule table documents there:
 * abs'(0) = 0, sqrt'(0) = cbrt'(0) = +inf, max/min ties and NaNs, pow at x = 0, hypot at the origin, and
 * the piecewise-constant functions (floor, ceil, rint, signum, ulp, round, getExponent) that give passive
 * results with derivative 0.
 */
class ConventionsTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double NAN = Double.NaN;

    private static Stream<DynamicTest> forBothOwners(String what, OwnerCheck check) {
        return Stream.of(MATH, STRICT).map(o -> DynamicTest.dynamicTest(o + " " + what, () -> check.run(o)));
    }

    @FunctionalInterface
    private interface OwnerCheck {
        void run(String owner) throws Throwable;
    }

    private static Rec.Run unary(String owner, String name, double x) {
        return Rec.run1(Rec.rule(owner, name, "(D)D"), x, true);
    }

    private static Rec.Run binary(String owner, String name, double a, double b, boolean activeA, boolean activeB) {
        return Rec.run(Rec.rule(owner, name, "(DD)D"), new Object[] {a, b}, activeA, activeB);
    }

    // ---- abs, sqrt, cbrt at zero -------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> absAtZeroHasDerivativeZero() {
        return forBothOwners("abs", owner -> {
            for (double z : new double[] {0.0, -0.0}) {
                Rec.Run r = unary(owner, "abs", z);
                assertTrue(r.active());
                assertSameBits(0.0, r.primal(), "abs(" + z + ")");
                assertEquals(0.0, r.grad()[0], 0.0, "abs'(" + z + ")");
            }
            // the smallest non-zero arguments already have slope -1 and +1
            assertEquals(-1.0, unary(owner, "abs", -Double.MIN_VALUE).grad()[0], 0.0);
            assertEquals(1.0, unary(owner, "abs", Double.MIN_VALUE).grad()[0], 0.0);
        });
    }

    @TestFactory
    Stream<DynamicTest> sqrtAndCbrtAtZeroHaveInfiniteSlope() {
        return forBothOwners("sqrt cbrt", owner -> {
            for (String f : new String[] {"sqrt", "cbrt"}) {
                for (double z : new double[] {0.0, -0.0}) {
                    Rec.Run r = unary(owner, f, z);
                    assertSameBits(z, r.primal(), f + "(" + z + ")");
                    assertEquals(INF, r.grad()[0], f + "'(" + z + ") must be +inf (the function increases)");
                }
            }
        });
    }

    // ---- max and min: ties, signed zeros, NaN ------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> maxMinTies() {
        return forBothOwners("max min ties", owner -> {
            for (String f : new String[] {"max", "min"}) {
                String w = owner + "." + f;
                // a tie with a passive value: the active side gets it all
                Rec.Run r = binary(owner, f, 3.0, 3.0, true, false);
                assertTrue(r.active(), w + "(active 3, 3)");
                assertArrayEquals(new double[] {1.0}, r.grad(), 0.0, w + "(active 3, 3)");
                r = binary(owner, f, 3.0, 3.0, false, true);
                assertTrue(r.active(), w + "(3, active 3)");
                assertArrayEquals(new double[] {1.0}, r.grad(), 0.0, w + "(3, active 3)");
                // both active: split evenly
                r = binary(owner, f, 3.0, 3.0, true, true);
                assertArrayEquals(new double[] {0.5, 0.5}, r.grad(), 0.0, w + "(active 3, active 3)");
                // signed zeros compare equal: a tie, though the JDK picks a particular zero
                double jdk = f.equals("max") ? Math.max(-0.0, 0.0) : Math.min(-0.0, 0.0);
                r = binary(owner, f, -0.0, 0.0, true, false);
                assertSameBits(jdk, r.primal(), w + "(-0.0, 0.0)");
                assertArrayEquals(new double[] {1.0}, r.grad(), 0.0, w + "(active -0.0, 0.0)");
                r = binary(owner, f, -0.0, 0.0, true, true);
                assertSameBits(jdk, r.primal(), w + "(-0.0, 0.0)");
                assertArrayEquals(new double[] {0.5, 0.5}, r.grad(), 0.0, w + "(active -0.0, active 0.0)");
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> maxMinSelectNaN() {
        return forBothOwners("max min NaN", owner -> {
            for (String f : new String[] {"max", "min"}) {
                String w = owner + "." + f;
                Rec.Run r = binary(owner, f, NAN, 1.0, true, false);
                assertTrue(Double.isNaN(r.primal()), w + "(NaN, 1)");
                assertTrue(r.active(), w + "(active NaN, 1): the NaN is selected");
                assertArrayEquals(new double[] {1.0}, r.grad(), 0.0, w);
                r = binary(owner, f, 1.0, NAN, true, false);
                assertTrue(Double.isNaN(r.primal()), w + "(1, NaN)");
                assertFalse(r.active(), w + "(active 1, NaN): the passive NaN is selected");
                assertArrayEquals(new double[] {0.0}, r.grad(), 0.0, w);
                r = binary(owner, f, 1.0, NAN, false, true);
                assertTrue(r.active(), w + "(1, active NaN)");
                assertArrayEquals(new double[] {1.0}, r.grad(), 0.0, w);
                r = binary(owner, f, NAN, 2.0, true, true);
                assertArrayEquals(new double[] {1.0, 0.0}, r.grad(), 0.0, w + "(active NaN, active 2)");
                r = binary(owner, f, 2.0, NAN, true, true);
                assertArrayEquals(new double[] {0.0, 1.0}, r.grad(), 0.0, w + "(active 2, active NaN)");
                r = binary(owner, f, NAN, NAN, true, true);
                assertTrue(Double.isNaN(r.primal()));
                assertArrayEquals(new double[] {1.0, 0.0}, r.grad(), 0.0, w + "(NaN, NaN): the first is selected");
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> reluConventionFromTheNotes() {
        // d/dv max(0, v) = 1{v >= 0}
        return forBothOwners("max(0, v)", owner -> {
            for (double v : new double[] {-2.0, -1e-300, -0.0, 0.0, 1e-300, 2.0}) {
                Rec.Run r = binary(owner, "max", 0.0, v, false, true);
                double expected = v >= 0 ? 1.0 : 0.0;
                assertEquals(expected, r.grad()[0], 0.0, "max(0, " + v + ")'");
            }
        });
    }

    // ---- pow at x = 0, hypot at the origin ---------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> powAtZero() {
        return forBothOwners("pow(0, y)", owner -> {
            // y: {value, d/dx = y 0^(y-1), d/dy}
            double[][] cases = {
                    {3, 0, 0}, {2, 0, 0}, {1, 1, 0}, {0.5, INF, 0}, {1.5, 0, 0}};
            for (double[] c : cases) {
                double y = c[0];
                Rec.Run both = binary(owner, "pow", 0.0, y, true, true);
                String w = owner + ".pow(0, " + y + ")";
                assertSameBits(0.0, both.primal(), w);
                assertArrayEquals(new double[] {c[1], c[2]}, both.grad(), 0.0, w);
                assertEquals(c[1], binary(owner, "pow", 0.0, y, true, false).grad()[0], 0.0, w + " d/dx");
                assertEquals(c[2], binary(owner, "pow", 0.0, y, false, true).grad()[0], 0.0, w + " d/dy");
            }
            // at integer exponents pow is smooth through 0: finite differences agree
            for (int k = 1; k <= 3; k++) {
                int n = k;
                double ad = binary(owner, "pow", 0.0, n, true, false).grad()[0];
                Rec.assertMatchesFiniteDifferences(u -> Math.pow(u, n), 0.0, 0.125, ad, 1e-8, owner + ".pow(0, " + n + ")");
            }
            // x^0 = 1 everywhere: d/dx = 0, at 0 as well
            for (double x : new double[] {0.0, -0.0, 5.0, -3.0}) {
                Rec.Run r = binary(owner, "pow", x, 0.0, true, false);
                assertSameBits(1.0, r.primal(), owner + ".pow(" + x + ", 0)");
                assertEquals(0.0, r.grad()[0], 0.0, owner + ".pow(" + x + ", 0) d/dx");
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> hypotAtTheOrigin() {
        return forBothOwners("hypot(0, 0)", owner -> {
            for (double[] z : new double[][] {{0.0, 0.0}, {-0.0, 0.0}, {0.0, -0.0}}) {
                String w = owner + ".hypot(" + z[0] + ", " + z[1] + ")";
                Rec.Run r = binary(owner, "hypot", z[0], z[1], true, true);
                assertSameBits(0.0, r.primal(), w);
                assertTrue(r.active(), w);
                assertArrayEquals(new double[] {0.0, 0.0}, r.grad(), 0.0, w);
                assertArrayEquals(new double[] {0.0}, binary(owner, "hypot", z[0], z[1], true, false).grad(), 0.0, w);
                assertArrayEquals(new double[] {0.0}, binary(owner, "hypot", z[0], z[1], false, true).grad(), 0.0, w);
            }
        });
    }

    // ---- piecewise constant functions: passive results ---------------------------------------------------

    private static final double[] STEPPY_POINTS = {
            -2.5, -0.5, -0.0, 0.0, 0.49999999999999994, 0.5, 1.5, 2.5, 1e-310, 1e300, -1e300, INF, -INF, NAN};

    private record Flat(String name, DoubleUnaryOperator math, DoubleUnaryOperator strict) {
    }

    private static final List<Flat> FLAT = List.of(
            new Flat("floor", Math::floor, StrictMath::floor),
            new Flat("ceil", Math::ceil, StrictMath::ceil),
            new Flat("rint", Math::rint, StrictMath::rint),
            new Flat("signum", Math::signum, StrictMath::signum),
            new Flat("ulp", Math::ulp, StrictMath::ulp));

    static List<String> names() {
        List<String> n = new ArrayList<>(FLAT.stream().map(Flat::name).toList());
        n.add("round");
        n.add("getExponent");
        return n;
    }

    @TestFactory
    Stream<DynamicTest> piecewiseConstantFunctionsGivePassiveResults() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Flat row : FLAT) {
            for (String owner : List.of(MATH, STRICT)) {
                DoubleUnaryOperator f = owner.equals(MATH) ? row.math() : row.strict();
                tests.add(DynamicTest.dynamicTest(owner + "." + row.name(), () -> {
                    MethodHandle rule = Rec.rule(owner, row.name(), "(D)D");
                    List<Executable> checks = new ArrayList<>();
                    for (double x : STEPPY_POINTS) {
                        String at = owner + "." + row.name() + "(" + x + ")";
                        checks.add(() -> {
                            for (boolean active : new boolean[] {true, false}) {
                                Rec.Run r = Rec.run1(rule, x, active);
                                assertFalse(r.active(), at + ": the result must be passive");
                                assertEquals(active ? 1 : 0, r.nodes(), at + ": nothing but the input is recorded");
                                double expected = f.applyAsDouble(x);
                                if (Double.isNaN(expected)) {
                                    assertTrue(Double.isNaN(r.primal()), at);
                                } else {
                                    assertSameBits(expected, r.primal(), at);
                                }
                                if (active) {
                                    assertEquals(0.0, r.grad()[0], 0.0, at + ": derivative 0");
                                }
                            }
                        });
                    }
                    assertAll(owner + "." + row.name(), checks.stream());
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> roundGivesAPlainLong() {
        return forBothOwners("round", owner -> {
            MethodHandle rule = Rec.rule(owner, "round", "(D)J");
            DoubleToLongFunction f = owner.equals(MATH) ? Math::round : StrictMath::round;
            for (double x : STEPPY_POINTS) {
                Tape t = Tape.open();
                try {
                    long in = t.input(x);
                    long r = (long) rule.invoke(in, t);
                    assertEquals(f.applyAsLong(x), r, owner + ".round(" + x + ")");
                    assertEquals(1, t.size(), "round records nothing");
                    r = (long) rule.invoke(Slot.passive(x), t);
                    assertEquals(f.applyAsLong(x), r, owner + ".round(passive " + x + ")");
                } finally {
                    t.close();
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> getExponentGivesAnInt() {
        return forBothOwners("getExponent", owner -> {
            MethodHandle rule = Rec.rule(owner, "getExponent", "(D)I");
            DoubleToIntFunction f = owner.equals(MATH) ? Math::getExponent : StrictMath::getExponent;
            for (double x : STEPPY_POINTS) {
                Tape t = Tape.open();
                try {
                    long in = t.input(x);
                    int e = (int) rule.invoke(in, t);
                    assertEquals(f.applyAsInt(x), e, owner + ".getExponent(" + x + ")");
                    assertEquals(1, t.size(), "getExponent records nothing");
                    assertEquals(f.applyAsInt(x), (int) rule.invoke(Slot.passive(x), t));
                } finally {
                    t.close();
                }
            }
        });
    }
}
