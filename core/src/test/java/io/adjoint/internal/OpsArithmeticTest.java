package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static io.adjoint.internal.Rec.assertClose;
import static io.adjoint.internal.Rec.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The twins of DADD DSUB DMUL DDIV DREM DNEG DCMPL DCMPG D2I D2L D2F: every activity combination,
 * values bit-identical to the JVM's own instruction, partials against hand formulas and finite
 * differences, comparisons and conversions against the JVM specification.
 */
class OpsArithmeticTest {
    static final double FORMULA_REL = 1e-15;
    static final double FD_REL = 1e-8;

    @FunctionalInterface
    interface SlotOp {
        long apply(long a, long b, Tape t);
    }

    @FunctionalInterface
    interface F2 {
        double at(double a, double b);
    }

    private record Op(String name, SlotOp op, DoubleBinaryOperator jvm, F2 da, F2 db, F2 stepA, F2 stepB,
                      double[][] points) {
    }

    /** trunc(a / b), exactly, by decimal arithmetic. */
    private static double truncQuotient(double a, double b) {
        return new BigDecimal(a).divide(new BigDecimal(b), 0, RoundingMode.DOWN).doubleValue();
    }

    /** How far a / b is from the nearest integer (where a % b jumps). */
    private static double remRoom(double a, double b) {
        double q = Math.abs(a / b);
        double frac = q - Math.floor(q);
        return Math.min(frac, 1 - frac);
    }

    private static final F2 WIDE_A = (a, b) -> 0.125 * Math.max(1.0, Math.abs(a));
    private static final F2 WIDE_B = (a, b) -> 0.125 * Math.max(1.0, Math.abs(b));

    private static final double[][] GENERAL = {
            {1.5, 2.25}, {-3, 0.5}, {1e-300, -7}, {1e150, 1e150}, {0.1, -1e-5}, {-2.5, -1e10}, {0.0, 3}};

    private static final List<Op> OPS = List.of(
            new Op("add", Ops::add, (a, b) -> a + b, (a, b) -> 1, (a, b) -> 1, WIDE_A, WIDE_B, GENERAL),
            new Op("sub", Ops::sub, (a, b) -> a - b, (a, b) -> 1, (a, b) -> -1, WIDE_A, WIDE_B, GENERAL),
            new Op("mul", Ops::mul, (a, b) -> a * b, (a, b) -> b, (a, b) -> a, WIDE_A, WIDE_B, GENERAL),
            new Op("div", Ops::div, (a, b) -> a / b, (a, b) -> 1 / b, (a, b) -> -a / b / b,
                    WIDE_A, (a, b) -> 0.125 * Math.abs(b), GENERAL),
            // a % b = a - b trunc(a / b): partials 1 and -trunc(a / b) between the jumps
            new Op("rem", Ops::rem, (a, b) -> a % b, (a, b) -> 1, (a, b) -> -truncQuotient(a, b),
                    (a, b) -> 0.25 * remRoom(a, b) * Math.abs(b),
                    (a, b) -> Math.min(0.5 * Math.abs(b), 0.25 * remRoom(a, b) * b * b / Math.abs(a)),
                    new double[][] {{7.5, 2}, {-7.5, 2}, {7.5, -2}, {-7.5, -2}, {1e10 + 0.5, 3.3}, {0.3, 7},
                            {-1e-300, 1}, {5.75, 0.5}, {1e20, 3}}));

    @TestFactory
    Stream<DynamicTest> binaryArithmetic() {
        return OPS.stream().map(op -> DynamicTest.dynamicTest(op.name(), () -> check(op)));
    }

    private static void check(Op op) {
        List<Executable> checks = new ArrayList<>();
        int[] fd = {0, 0};
        for (double[] pt : op.points()) {
            double a = pt[0], b = pt[1];
            String at = op.name() + "(" + a + ", " + b + ")";
            double value = op.jvm().applyAsDouble(a, b);
            double da = op.da().at(a, b), db = op.db().at(a, b);
            for (int m = 0; m < 4; m++) {
                final int mask = m;
                boolean actA = (mask & 1) != 0, actB = (mask & 2) != 0;
                String w = at + (actA ? " a active" : "") + (actB ? " b active" : "");
                checks.add(() -> {
                    Tape t = Tape.open();
                    try {
                        long sa = actA ? t.input(a) : Slot.passive(a);
                        long sb = actB ? t.input(b) : Slot.passive(b);
                        long r = op.op().apply(sa, sb, t);
                        assertSameBits(value, t.primal(r), w + " value");
                        assertEquals(actA || actB, Slot.isActive(r), w + " activity");
                        int inputs = (actA ? 1 : 0) + (actB ? 1 : 0);
                        assertEquals(inputs == 0 ? 0 : inputs + 1, t.size(), w + " nodes");
                        double[] g = t.gradient(r, inputs);
                        int k = 0;
                        if (actA) {
                            assertClose(da, g[k++], FORMULA_REL, w + " d/da");
                        }
                        if (actB) {
                            assertClose(db, g[k], FORMULA_REL, w + " d/db");
                        }
                        if (mask == 1) {
                            DoubleUnaryOperator fa = u -> op.jvm().applyAsDouble(u, b);
                            double h = op.stepA().at(a, b);
                            if (Rec.finiteDifferencesWork(fa, a, h, da)) {
                                fd[0]++;
                                Rec.assertMatchesFiniteDifferences(fa, a, h, g[0], FD_REL, w + " d/da vs Richardson");
                            }
                        }
                        if (mask == 2) {
                            DoubleUnaryOperator fb = u -> op.jvm().applyAsDouble(a, u);
                            double h = op.stepB().at(a, b);
                            if (Rec.finiteDifferencesWork(fb, b, h, db)) {
                                fd[1]++;
                                Rec.assertMatchesFiniteDifferences(fb, b, h, g[0], FD_REL, w + " d/db vs Richardson");
                            }
                        }
                    } finally {
                        t.close();
                    }
                });
            }
        }
        assertAll(op.name(), checks.stream());
        assertTrue(fd[0] >= 3 && fd[1] >= 3, op.name() + ": finite differences checked only " + fd[0] + " and "
                + fd[1] + " points");
    }

    /** x op x: both partials land on one node. */
    @Test
    void sameSlotOnBothSides() {
        double x = 1.75;
        double[][] expected = { // value, derivative
                {2 * x, 2}, {0, 0}, {x * x, 2 * x}, {1, 0}, {0, 0}};
        for (int i = 0; i < OPS.size(); i++) {
            Op op = OPS.get(i);
            Tape t = Tape.open();
            try {
                long s = t.input(x);
                long r = op.op().apply(s, s, t);
                assertTrue(Slot.isActive(r), op.name() + "(x, x) is active");
                assertEquals(expected[i][0], t.primal(r), 0.0, op.name() + "(x, x)");
                assertArrayEquals(new double[] {expected[i][1]}, t.gradient(r, 1), 0.0, op.name() + "(x, x)'");
            } finally {
                t.close();
            }
        }
    }

    @Test
    void remPartialIsMinusTheTruncatedQuotient() {
        // d/dy (x % y) = -trunc(x / y): truncation towards zero, not rounding, not flooring
        double[][] cases = { // x, y, d/dy
                {7.5, 2, -3}, {-7.5, 2, 3}, {7.5, -2, 3}, {-7.5, -2, -3}, {5.9, 2, -2}, {-5.9, 2, 2},
                {1.9, 2, -0.0}, {1e20, 3, -33333333333333333333.0}};
        for (double[] c : cases) {
            Tape t = Tape.open();
            try {
                long y = t.input(c[1]);
                long r = Ops.rem(Slot.passive(c[0]), y, t);
                assertSameBits(c[0] % c[1], t.primal(r), c[0] + " % " + c[1]);
                assertClose(c[2], t.gradient(r, 1)[0], FORMULA_REL, "d/dy " + c[0] + " % " + c[1]);
            } finally {
                t.close();
            }
        }
    }

    @Test
    void neg() {
        for (double x : new double[] {0.0, -0.0, 1.5, -1e300, 1e-310, Double.POSITIVE_INFINITY}) {
            Tape t = Tape.open();
            try {
                long p = Ops.neg(Slot.passive(x), t);
                assertTrue(Slot.isPassive(p));
                assertSameBits(-x, Slot.value(p), "-" + x + " passive");
                assertEquals(0, t.size());
                long r = Ops.neg(t.input(x), t);
                assertTrue(Slot.isActive(r));
                assertSameBits(-x, t.primal(r), "-" + x);
                assertArrayEquals(new double[] {-1.0}, t.gradient(r, 1), 0.0);
            } finally {
                t.close();
            }
        }
    }

    @Test
    void nanOperandsStayPassiveAndNeverLookActive() {
        Tape t = Tape.open();
        try {
            double inf = Double.POSITIVE_INFINITY;
            long[] nans = {Ops.add(Slot.passive(inf), Slot.passive(-inf), t),
                    Ops.mul(Slot.passive(0.0), Slot.passive(inf), t),
                    Ops.div(Slot.passive(0.0), Slot.passive(0.0), t),
                    Ops.rem(Slot.passive(1.0), Slot.passive(0.0), t),
                    Ops.sub(Slot.passive(Double.NaN), Slot.passive(1.0), t)};
            for (long n : nans) {
                assertTrue(Slot.isPassive(n));
                assertTrue(Double.isNaN(Slot.value(n)));
            }
            assertEquals(0, t.size());
            // and an active NaN value is an ordinary node
            long x = t.input(Double.NaN);
            long y = Ops.mul(x, Slot.passive(2.0), t);
            assertTrue(Slot.isActive(y));
            assertTrue(Double.isNaN(t.primal(y)));
        } finally {
            t.close();
        }
    }

    // ---- comparisons -----------------------------------------------------------------------------------

    private static final double[] CMP_VALUES = {
            -1.0, 0.0, -0.0, 2.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE};

    /** JVM spec of dcmpl/dcmpg: -0.0 == 0.0; either operand NaN gives -1 (dcmpl) or +1 (dcmpg). */
    private static int jvmCompare(double a, double b, int onNaN) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return onNaN;
        }
        return Integer.signum(Double.compare(a + 0.0, b + 0.0)); // + 0.0 turns -0.0 into 0.0
    }

    @Test
    void cmplAndCmpgFollowTheJvm() {
        List<Executable> checks = new ArrayList<>();
        for (double a : CMP_VALUES) {
            for (double b : CMP_VALUES) {
                for (int m = 0; m < 4; m++) {
                    final int mask = m;
                    boolean actA = (mask & 1) != 0, actB = (mask & 2) != 0;
                    checks.add(() -> {
                        Tape t = Tape.open();
                        try {
                            long sa = actA ? t.input(a) : Slot.passive(a);
                            long sb = actB ? t.input(b) : Slot.passive(b);
                            int n = t.size();
                            String w = a + " vs " + b + " mask " + mask;
                            assertEquals(jvmCompare(a, b, -1), Ops.cmpl(sa, sb, t), "dcmpl " + w);
                            assertEquals(jvmCompare(a, b, 1), Ops.cmpg(sa, sb, t), "dcmpg " + w);
                            assertEquals(n, t.size(), "comparisons record nothing");
                        } finally {
                            t.close();
                        }
                    });
                }
            }
        }
        assertAll(checks.stream());
    }

    @Test
    void cmpNaNSemanticsSpelledOut() {
        Tape t = Tape.open();
        try {
            long nan = t.input(Double.NaN);
            long one = t.input(1.0);
            assertEquals(-1, Ops.cmpl(nan, one, t));
            assertEquals(-1, Ops.cmpl(one, nan, t));
            assertEquals(1, Ops.cmpg(nan, one, t));
            assertEquals(1, Ops.cmpg(one, nan, t));
            assertEquals(-1, Ops.cmpl(nan, nan, t));
            assertEquals(1, Ops.cmpg(nan, nan, t));
            // active slots are NaN bit patterns; comparisons must use the recorded values
            long two = t.input(2.0);
            assertEquals(-1, Ops.cmpl(one, two, t));
            assertEquals(-1, Ops.cmpg(one, two, t));
            assertEquals(0, Ops.cmpl(two, Slot.passive(2.0), t));
            assertEquals(0, Ops.cmpg(Slot.passive(-0.0), t.input(0.0), t));
        } finally {
            t.close();
        }
    }

    // ---- conversions -----------------------------------------------------------------------------------

    @Test
    void d2iAndD2lOnActiveAndPassiveValues() {
        // x, (int) x, (long) x per the JVM specification: truncate, saturate, NaN -> 0
        Object[][] cases = {
                {3.7, 3, 3L}, {-3.7, -3, -3L}, {Double.NaN, 0, 0L}, {1e300, Integer.MAX_VALUE, Long.MAX_VALUE},
                {-1e300, Integer.MIN_VALUE, Long.MIN_VALUE},
                {Double.POSITIVE_INFINITY, Integer.MAX_VALUE, Long.MAX_VALUE},
                {Double.NEGATIVE_INFINITY, Integer.MIN_VALUE, Long.MIN_VALUE}, {-0.0, 0, 0L},
                {2147483647.5, 2147483647, 2147483647L}, {-2147483648.9, -2147483648, -2147483648L},
                {3e9, Integer.MAX_VALUE, 3000000000L}, {9.3e18, Integer.MAX_VALUE, Long.MAX_VALUE},
                {-9.3e18, Integer.MIN_VALUE, Long.MIN_VALUE}, {1e-310, 0, 0L}};
        for (Object[] c : cases) {
            double x = (Double) c[0];
            Tape t = Tape.open();
            try {
                long a = t.input(x);
                long p = Slot.passive(x);
                assertEquals((int) (Integer) c[1], Ops.d2i(a, t), "d2i active " + x);
                assertEquals((int) (Integer) c[1], Ops.d2i(p, t), "d2i passive " + x);
                assertEquals((long) (Long) c[2], Ops.d2l(a, t), "d2l active " + x);
                assertEquals((long) (Long) c[2], Ops.d2l(p, t), "d2l passive " + x);
                assertEquals(1, t.size(), "conversions record nothing");
            } finally {
                t.close();
            }
        }
    }

    @Test
    void d2fNarrowsPassiveValuesAndCarriesActiveOnes() {
        Tape t = Tape.open();
        try {
            assertEquals(0.1f, Ops.d2f(Slot.passive(0.1), t));
            assertEquals(Float.POSITIVE_INFINITY, Ops.d2f(Slot.passive(1e300), t));
            assertTrue(Float.isNaN(Ops.d2f(Slot.passive(Double.NaN), t)));
            long x = t.input(0.1);
            float f = Ops.d2f(x, t);
            assertTrue(FloatOps.isActive(f));
            assertEquals(0.1f, FloatOps.primal(f, t));
            long back = FloatOps.f2d(f, t); // (double) (float) x: derivative 1, value rounded to float
            assertEquals((double) 0.1f, t.primal(back));
            assertArrayEquals(new double[] {3.0}, t.gradient(Ops.mul(back, Slot.passive(3.0), t), 1));
        } finally {
            t.close();
        }
    }

    @Test
    void fromDoublePrimalAndOpaqueArguments() {
        Tape t = Tape.open();
        try {
            long x = t.input(2.5);
            assertEquals(2.5, Ops.primal(x, t));
            assertEquals(-4.0, Ops.primal(Ops.fromDouble(-4.0), t));
            assertFalse(Slot.isActive(Ops.fromDouble(Double.longBitsToDouble(Slot.TAG | 5))),
                    "a raw double with an active bit pattern must not become active");
            assertEquals(1.25, Ops.opaqueArgument(Slot.passive(1.25), "callee", t));
            assertThrows(NotDifferentiableException.class, () -> Ops.opaqueArgument(x, "callee", t));
        } finally {
            t.close();
        }
    }
}
