package io.adjoint.internal;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static io.adjoint.internal.Rec.MATH;
import static io.adjoint.internal.Rec.STRICT;
import static io.adjoint.internal.Rec.assertClose;
import static io.adjoint.internal.Rec.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rows with two or more arguments (pow, atan2, hypot, IEEEremainder, copySign, nextAfter, max, min,
 * fma, scalb) for both owners: each argument active alone, all active, none active; primal bit-identical
 * to the JDK; partials against hand formulas and against Richardson finite differences.
 */
class BinaryRulesTest {
    static final double FORMULA_REL = 1e-13;
    static final double FD_REL = 1e-8;
    static final int MIN_FD_POINTS = 3;

    @FunctionalInterface
    interface F2 {
        double at(double a, double b);
    }

    private record Row(String name, DoubleBinaryOperator math, DoubleBinaryOperator strict,
                       F2 da, F2 db, F2 stepA, F2 stepB, double[]... points) {
    }

    private static double[] p(double a, double b) {
        return new double[] {a, b};
    }

    /** a / sqrt(a^2 + b^2), scaled so that neither square overflows nor underflows. */
    private static double overNorm(double a, double b) {
        double s = Math.max(Math.abs(a), Math.abs(b));
        double x = a / s, y = b / s;
        return x / Math.sqrt(x * x + y * y);
    }

    /** a / (a^2 + b^2), scaled likewise. */
    private static double overNorm2(double a, double b) {
        double s = Math.max(Math.abs(a), Math.abs(b));
        double x = a / s, y = b / s;
        return x / (x * x + y * y) / s;
    }

    /** How far a / b is from the nearest jump of IEEEremainder (a half-integer quotient). */
    private static double remainderRoom(double a, double b) {
        double q = a / b;
        return 0.5 - Math.abs(q - Math.rint(q));
    }

    private static final F2 WIDE_A = (a, b) -> 0.125 * Math.max(1.0, Math.abs(a));
    private static final F2 WIDE_B = (a, b) -> 0.125 * Math.max(1.0, Math.abs(b));
    private static final F2 NORM = (a, b) -> 0.125 * Math.max(Math.abs(a), Math.abs(b));

    private static final List<Row> ROWS = List.of(
            // d/dx x^y = y x^y / x, d/dy x^y = x^y ln x
            new Row("pow", Math::pow, StrictMath::pow,
                    (x, y) -> y * StrictMath.pow(x, y) / x,
                    (x, y) -> StrictMath.pow(x, y) * StrictMath.log(x),
                    // in y, x^y varies on the scale 1 / |ln x|
                    (x, y) -> 0.125 * Math.abs(x), (x, y) -> 0.125 / Math.max(1.0, Math.abs(Math.log(x))),
                    p(2, 3), p(0.5, -2.5), p(3, 0.5), p(1e-10, 1.5), p(10, 300), p(1, 7), p(2, 0),
                    p(7.5, 1e-8), p(1e10, -3.5), p(1e-300, 0.5)),
            // atan2(y, x): d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2)
            new Row("atan2", Math::atan2, StrictMath::atan2,
                    (y, x) -> overNorm2(x, y),
                    (y, x) -> -overNorm2(y, x),
                    NORM, NORM,
                    p(1, 2), p(-3, 0.5), p(2, -1), p(-1, -1), p(0, 1), p(1e-300, 1), p(1e200, 1e200),
                    p(1e-200, -1e-200), p(-5e-300, 3e-300)),
            new Row("hypot", Math::hypot, StrictMath::hypot,
                    BinaryRulesTest::overNorm, (x, y) -> overNorm(y, x),
                    NORM, NORM,
                    p(3, 4), p(-3, 4), p(1e-300, 2e-300), p(1e300, -1e300), p(0, 5), p(5, 0), p(-2.5, 1e-8)),
            // x - n y with n = the integer nearest x / y
            new Row("IEEEremainder", Math::IEEEremainder, StrictMath::IEEEremainder,
                    (x, y) -> 1.0, (x, y) -> -Math.rint(x / y),
                    (x, y) -> 0.25 * remainderRoom(x, y) * Math.abs(y),
                    (x, y) -> Math.min(0.5 * Math.abs(y), 0.25 * remainderRoom(x, y) * y * y / Math.abs(x)),
                    p(10, 3), p(11, 3), p(-7.5, 2), p(5.2, -1.5), p(1e10 + 0.3, 7), p(0.1, 1e-3), p(-1e-300, 1)),
            // |x| with the sign of y: slope +-1 in x, flat in y
            new Row("copySign", Math::copySign, StrictMath::copySign,
                    (x, y) -> (x < 0) == (y < 0) ? 1.0 : -1.0, (x, y) -> 0.0,
                    (x, y) -> 0.125 * Math.abs(x), (x, y) -> 0.125 * Math.abs(y),
                    p(3, -2), p(-3, -2), p(-3, 2), p(3, 2), p(1e-300, -1e300), p(-1e300, 1e-300)),
            // one ulp towards y: slope 1 in x, flat in y
            new Row("nextAfter", Math::nextAfter, StrictMath::nextAfter,
                    (x, y) -> 1.0, (x, y) -> 0.0,
                    (x, y) -> 0.125 * Math.min(Math.abs(x - y), Math.max(1.0, Math.abs(x))),
                    (x, y) -> 0.125 * Math.min(Math.abs(x - y), Math.max(1.0, Math.abs(y))),
                    p(1, 2), p(1, 0), p(-5, 1e300), p(1e-300, -1), p(-1e300, 3)),
            // away from ties the selected argument gets everything
            new Row("max", Math::max, StrictMath::max,
                    (x, y) -> x > y ? 1.0 : 0.0, (x, y) -> y > x ? 1.0 : 0.0,
                    (x, y) -> 0.25 * Math.abs(x - y), (x, y) -> 0.25 * Math.abs(x - y),
                    p(1, 2), p(2, 1), p(-0.5, -3), p(1e300, -1e300), p(-1e-300, 1e-300)),
            new Row("min", Math::min, StrictMath::min,
                    (x, y) -> x < y ? 1.0 : 0.0, (x, y) -> y < x ? 1.0 : 0.0,
                    (x, y) -> 0.25 * Math.abs(x - y), (x, y) -> 0.25 * Math.abs(x - y),
                    p(1, 2), p(2, 1), p(-0.5, -3), p(1e300, -1e300), p(-1e-300, 1e-300)));

    static List<String> names() {
        List<String> n = new ArrayList<>(ROWS.stream().map(Row::name).toList());
        n.add("fma");
        n.add("scalb");
        return n;
    }

    @TestFactory
    Stream<DynamicTest> everyBinaryRule() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row row : ROWS) {
            for (String owner : List.of(MATH, STRICT)) {
                DoubleBinaryOperator f = owner.equals(MATH) ? row.math() : row.strict();
                tests.add(DynamicTest.dynamicTest(owner + "." + row.name(), () -> check(owner, row, f)));
            }
        }
        return tests.stream();
    }

    private static boolean selects(String name) {
        return name.equals("max") || name.equals("min");
    }

    private static void check(String owner, Row row, DoubleBinaryOperator f) {
        MethodHandle rule = Rec.rule(owner, row.name(), "(DD)D");
        boolean select = selects(row.name());
        List<Executable> checks = new ArrayList<>();
        int[] fd = {0, 0};
        for (double[] pt : row.points()) {
            double a = pt[0], b = pt[1];
            String at = owner + "." + row.name() + "(" + a + ", " + b + ")";
            double value = f.applyAsDouble(a, b);
            double da = row.da().at(a, b), db = row.db().at(a, b);
            checks.add(() -> {
                Rec.Run r = Rec.run(rule, new Object[] {a, b}, false, false);
                assertFalse(r.active(), at + ": passive arguments give a passive result");
                assertEquals(0, r.nodes(), at + ": the passive path records nothing");
                assertSameBits(value, r.primal(), at + " passive primal");
            });
            checks.add(() -> {
                Rec.Run r = Rec.run(rule, new Object[] {a, b}, true, false);
                assertSameBits(value, r.primal(), at + " primal, first argument active");
                // max/min of an active and a passive value is passive when the passive one is selected
                boolean active = !select || da != 0;
                assertEquals(active, r.active(), at + " activity, first argument active");
                assertEquals(active ? 2 : 1, r.nodes(), at + " nodes, first argument active");
                assertClose(da, r.grad()[0], FORMULA_REL, at + " d/d(arg 1) vs hand formula");
                double h = row.stepA().at(a, b);
                DoubleUnaryOperator fa = u -> f.applyAsDouble(u, b);
                if (Rec.finiteDifferencesWork(fa, a, h, da)) {
                    fd[0]++;
                    Rec.assertMatchesFiniteDifferences(fa, a, h, r.grad()[0], FD_REL, at + " d/d(arg 1) vs Richardson");
                }
            });
            checks.add(() -> {
                Rec.Run r = Rec.run(rule, new Object[] {a, b}, false, true);
                assertSameBits(value, r.primal(), at + " primal, second argument active");
                boolean active = !select || db != 0;
                assertEquals(active, r.active(), at + " activity, second argument active");
                assertEquals(active ? 2 : 1, r.nodes(), at + " nodes, second argument active");
                assertClose(db, r.grad()[0], FORMULA_REL, at + " d/d(arg 2) vs hand formula");
                double h = row.stepB().at(a, b);
                DoubleUnaryOperator fb = u -> f.applyAsDouble(a, u);
                if (Rec.finiteDifferencesWork(fb, b, h, db)) {
                    fd[1]++;
                    Rec.assertMatchesFiniteDifferences(fb, b, h, r.grad()[0], FD_REL, at + " d/d(arg 2) vs Richardson");
                }
            });
            checks.add(() -> {
                Rec.Run r = Rec.run(rule, new Object[] {a, b}, true, true);
                assertSameBits(value, r.primal(), at + " primal, both active");
                assertTrue(r.active(), at + ": both active give an active result");
                assertEquals(3, r.nodes(), at + " nodes, both active: two inputs and one rule node");
                assertClose(da, r.grad()[0], FORMULA_REL, at + " d/d(arg 1), both active");
                assertClose(db, r.grad()[1], FORMULA_REL, at + " d/d(arg 2), both active");
            });
        }
        assertAll(owner + "." + row.name(), checks.stream());
        assertTrue(fd[0] >= MIN_FD_POINTS && fd[1] >= MIN_FD_POINTS, owner + "." + row.name()
                + ": finite differences checked only " + fd[0] + " and " + fd[1] + " points");
    }

    @TestFactory
    Stream<DynamicTest> powOfANegativeBaseIsDifferentiableInTheBase() {
        return Stream.of(MATH, STRICT).map(owner -> DynamicTest.dynamicTest(owner, () -> {
            MethodHandle rule = Rec.rule(owner, "pow", "(DD)D");
            for (double[] pt : new double[][] {{-2, 3}, {-1.5, -2}, {-1e-3, 5}, {-7, 0}}) {
                double x = pt[0], y = pt[1];
                Rec.Run r = Rec.run(rule, new Object[] {x, y}, true, false);
                double expected = y == 0 ? 0.0 : y * Math.pow(x, y - 1); // integer y: x^(y-1) is real
                assertClose(expected, r.grad()[0], FORMULA_REL, owner + ".pow(" + x + ", " + y + ") d/dx");
                Rec.assertMatchesFiniteDifferences(u -> Math.pow(u, y), x, 0.125 * Math.abs(x), r.grad()[0],
                        FD_REL, owner + ".pow(" + x + ", " + y + ") d/dx vs Richardson");
            }
        }));
    }

    // ---- fma: three arguments, every activity pattern -----------------------------------------------

    private static final double[][] FMA_POINTS = {
            {2, 3, 4}, {-1.5, 1e10, 7}, {1e-300, 1e300, -1}, {0.1, 0.2, -0.02}, {-0.0, 5, 1e-300}};

    @TestFactory
    Stream<DynamicTest> fma() {
        return Stream.of(MATH, STRICT).map(owner -> DynamicTest.dynamicTest(owner + ".fma", () -> {
            MethodHandle rule = Rec.rule(owner, "fma", "(DDD)D");
            List<Executable> checks = new ArrayList<>();
            for (double[] v : FMA_POINTS) {
                double expectedValue = owner.equals(MATH) ? Math.fma(v[0], v[1], v[2]) : StrictMath.fma(v[0], v[1], v[2]);
                double[] partial = {v[1], v[0], 1.0}; // d/da = b, d/db = a, d/dc = 1
                for (int mask = 0; mask < 8; mask++) {
                    boolean[] act = {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
                    int k = Integer.bitCount(mask);
                    String at = owner + ".fma(" + v[0] + ", " + v[1] + ", " + v[2] + ") active " + mask;
                    checks.add(() -> {
                        Rec.Run r = Rec.run(rule, new Object[] {v[0], v[1], v[2]}, act);
                        assertSameBits(expectedValue, r.primal(), at + " primal");
                        assertEquals(k > 0, r.active(), at + " activity");
                        assertEquals(k == 0 ? 0 : k + 1, r.nodes(), at + " nodes");
                        int g = 0;
                        for (int i = 0; i < 3; i++) {
                            if (act[i]) {
                                int arg = i;
                                assertClose(partial[i], r.grad()[g], FORMULA_REL, at + " d/d(arg " + (i + 1) + ")");
                                DoubleUnaryOperator fi = u -> {
                                    double[] w = v.clone();
                                    w[arg] = u;
                                    return Math.fma(w[0], w[1], w[2]);
                                };
                                double h = 0.125 * Math.max(1.0, Math.abs(v[i]));
                                Rec.assertMatchesFiniteDifferences(fi, v[i], h, r.grad()[g], FD_REL,
                                        at + " d/d(arg " + (i + 1) + ") vs Richardson");
                                g++;
                            }
                        }
                    });
                }
            }
            assertAll(owner + ".fma", checks.stream());
        }));
    }

    // ---- scalb(x, n) = x 2^n ---------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> scalb() {
        return Stream.of(MATH, STRICT).map(owner -> DynamicTest.dynamicTest(owner + ".scalb", () -> {
            MethodHandle rule = Rec.rule(owner, "scalb", "(DI)D");
            List<Executable> checks = new ArrayList<>();
            double[] xs = {3, -1.5, 1e-300, 1e300, 7, 1e-310, -2.5e-5};
            int[] ns = {4, -10, 100, -1000, 0, 60, 31};
            for (int i = 0; i < xs.length; i++) {
                double x = xs[i];
                int n = ns[i];
                String at = owner + ".scalb(" + x + ", " + n + ")";
                double expected = owner.equals(MATH) ? Math.scalb(x, n) : StrictMath.scalb(x, n);
                checks.add(() -> {
                    Rec.Run p = Rec.run(rule, new Object[] {x, n}, false);
                    assertFalse(p.active(), at + " passive");
                    assertEquals(0, p.nodes(), at + " passive records nothing");
                    assertSameBits(expected, p.primal(), at + " passive primal");
                    Rec.Run r = Rec.run(rule, new Object[] {x, n}, true);
                    assertTrue(r.active(), at + " active");
                    assertSameBits(expected, r.primal(), at + " primal");
                    assertEquals(Math.pow(2.0, n), r.grad()[0], 0.0, at + " d/dx = 2^n");
                    Rec.assertMatchesFiniteDifferences(u -> Math.scalb(u, n), x, 0.125 * Math.abs(x), r.grad()[0],
                            FD_REL, at + " vs Richardson");
                });
            }
            assertAll(owner + ".scalb", checks.stream());
        }));
    }

    @TestFactory
    Stream<DynamicTest> bothArgumentsTheSameSlotAddUp() {
        // f(x, x): the two partials meet on one input
        return Stream.of(MATH, STRICT).map(owner -> DynamicTest.dynamicTest(owner, () -> {
            double x = 1.7;
            Tape t = Tape.open();
            try {
                long s = t.input(x);
                long pw = (long) Rec.rule(owner, "pow", "(DD)D").invoke(s, s, t);
                double[] g = t.gradient(pw, 1);
                // d/dx x^x = x^x (ln x + 1)
                assertClose(Math.pow(x, x) * (Math.log(x) + 1), g[0], FORMULA_REL, owner + ".pow(x, x)");
            } catch (Throwable e) {
                throw new AssertionError(e);
            } finally {
                t.close();
            }
            Tape t2 = Tape.open();
            try {
                long s = t2.input(x);
                long h = (long) Rec.rule(owner, "hypot", "(DD)D").invoke(s, s, t2);
                assertArrayEquals(new double[] {Math.sqrt(2)}, t2.gradient(h, 1), 1e-15, owner + ".hypot(x, x)");
            } catch (Throwable e) {
                throw new AssertionError(e);
            } finally {
                t2.close();
            }
        }));
    }
}
