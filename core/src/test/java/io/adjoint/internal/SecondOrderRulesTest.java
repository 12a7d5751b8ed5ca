package io.adjoint.internal;

import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The local second derivatives each rule records on a second-order tape, against hand-derived formulas
 * (written here independently of the table), and as a cross-check of those formulas, against central
 * differences of the first partial each rule records.
 */
class SecondOrderRulesTest {
    private static final String[] OWNERS = {"java/lang/Math", "java/lang/StrictMath"};
    private static final double TOL = 1e-12;

    // ---- helpers ------------------------------------------------------------------------------------

    /** The curvature record of the node of {@code slot} (upper triangle), or null when it has none. */
    static double[] curvature(Tape t, long slot) {
        if (Slot.isPassive(slot)) {
            return null;
        }
        int node = Slot.node(slot);
        int hv = t.hValues;
        for (int q = t.hCount - 1; q >= 0; q--) {
            int size = Tape.triangle(t.arity[t.hNode[q]]);
            hv -= size;
            if (t.hNode[q] == node) {
                double[] h = new double[size];
                System.arraycopy(t.hValue, hv, h, 0, size);
                return h;
            }
        }
        return null;
    }

    /** The first partials recorded for the node of {@code slot}. */
    static double[] partials(Tape t, long slot) {
        int node = Slot.node(slot);
        int p = 0;
        for (int i = 0; i < node; i++) {
            p += t.arity[i];
        }
        double[] d = new double[t.arity[node]];
        System.arraycopy(t.partial, p, d, 0, d.length);
        return d;
    }

    private static MethodHandle rule(String owner, String name, String desc) {
        MethodHandle h = Primitives.lookup(owner, name, desc);
        if (h == null) {
            fail("no rule for " + owner + "." + name + desc);
        }
        return h;
    }

    private static void close(double expected, double actual, double tol, String what) {
        double scale = Math.max(1.0, Math.abs(expected));
        if (!(Math.abs(expected - actual) <= tol * scale)) {
            fail(what + ": expected " + expected + " but was " + actual);
        }
    }

    /** Records {@code name(x)} on a second-order tape: {first partial, second partial or 0 if no record}. */
    private static double[] unaryPartials(String owner, String name, double x) throws Throwable {
        Tape t = Tape.open(true);
        try {
            long in = t.input(x);
            long y = (long) rule(owner, name, "(D)D").invokeExact(in, t);
            assertTrue(Slot.isActive(y), name + " result must be active");
            double[] h = curvature(t, y);
            return new double[] {partials(t, y)[0], h == null ? 0.0 : h[0], h == null ? 0 : 1};
        } finally {
            t.close();
        }
    }

    // ---- unary rules --------------------------------------------------------------------------------

    private record Unary(String name, DoubleUnaryOperator second, double... points) {
    }

    private static final double LN10 = Math.log(10.0);

    private static final Unary[] UNARY = {
            new Unary("exp", Math::exp, -1.3, 0.4, 2.1),
            new Unary("expm1", Math::exp, -1.3, 0.4, 2.1),
            new Unary("log", x -> -1.0 / Math.pow(x, 2), 0.3, 1.7, 25.0),
            new Unary("log10", x -> -1.0 / (LN10 * Math.pow(x, 2)), 0.3, 1.7, 25.0),
            new Unary("log1p", x -> -Math.pow(1.0 + x, -2), -0.6, 0.4, 3.0),
            new Unary("sqrt", x -> -0.25 * Math.pow(x, -1.5), 0.3, 1.7, 25.0),
            new Unary("cbrt", x -> -2.0 / 9.0 * Math.signum(x) * Math.pow(Math.abs(x), -5.0 / 3.0),
                    -2.5, 0.3, 1.7, 25.0),
            new Unary("sin", x -> -Math.sin(x), -1.3, 0.4, 2.1),
            new Unary("cos", x -> -Math.cos(x), -1.3, 0.4, 2.1),
            new Unary("tan", x -> 2.0 * Math.sin(x) / Math.pow(Math.cos(x), 3), -1.3, 0.4, 1.1),
            new Unary("asin", x -> x * Math.pow(1.0 - x * x, -1.5), -0.7, 0.2, 0.9),
            new Unary("acos", x -> -x * Math.pow(1.0 - x * x, -1.5), -0.7, 0.2, 0.9),
            new Unary("atan", x -> -2.0 * x / Math.pow(1.0 + x * x, 2), -1.3, 0.4, 2.1),
            new Unary("sinh", Math::sinh, -1.3, 0.4, 2.1),
            new Unary("cosh", Math::cosh, -1.3, 0.4, 2.1),
            new Unary("tanh", x -> -2.0 * Math.sinh(x) / Math.pow(Math.cosh(x), 3), -1.3, 0.4, 2.1),
            new Unary("abs", x -> 0.0, -1.3, 0.4, 2.1),
            new Unary("toRadians", x -> 0.0, -1.3, 0.4),
            new Unary("toDegrees", x -> 0.0, -1.3, 0.4),
            new Unary("nextUp", x -> 0.0, -1.3, 0.4),
            new Unary("nextDown", x -> 0.0, -1.3, 0.4),
    };

    @Test
    void everyUnaryRuleRecordsItsHandDerivedSecondDerivative() throws Throwable {
        for (String owner : OWNERS) {
            for (Unary u : UNARY) {
                for (double x : u.points) {
                    double[] got = unaryPartials(owner, u.name, x);
                    double expected = u.second.applyAsDouble(x);
                    close(expected, got[1], TOL, owner + "." + u.name + "''(" + x + ")");
                    if (expected == 0.0) {
                        assertEquals(0.0, got[2], u.name + " is linear: it must write no curvature record");
                    }
                }
            }
        }
    }

    /** The hand formulas above, checked against central differences of the recorded first derivative. */
    @Test
    void unarySecondDerivativesAgreeWithDifferencesOfTheFirst() throws Throwable {
        for (Unary u : UNARY) {
            for (double x : u.points) {
                double h = 1e-5 * Math.max(1.0, Math.abs(x));
                double fd = (unaryPartials("java/lang/Math", u.name, x + h)[0]
                        - unaryPartials("java/lang/Math", u.name, x - h)[0]) / (2 * h);
                double got = unaryPartials("java/lang/Math", u.name, x)[1];
                close(fd, got, 1e-6, u.name + "'' vs differences at " + x);
            }
        }
    }

    @Test
    void firstOrderRecordingWritesNoCurvature() throws Throwable {
        Tape t = Tape.open();
        try {
            long x = t.input(0.7);
            long y = (long) rule("java/lang/Math", "sin", "(D)D").invokeExact(x, t);
            long z = (long) rule("java/lang/Math", "pow", "(DD)D").invokeExact(y, x, t);
            Ops.div(Ops.mul(z, x, t), y, t);
            assertEquals(0, t.hCount);
            assertEquals(0, t.hValues);
        } finally {
            t.close();
        }
    }

    @Test
    void sqrtAndCbrtAtZeroFollowTheFirstDerivativesConvention() throws Throwable {
        double[] s = unaryPartials("java/lang/Math", "sqrt", 0.0);
        assertEquals(Double.POSITIVE_INFINITY, s[0]);
        assertEquals(Double.NEGATIVE_INFINITY, s[1]);
        double[] c = unaryPartials("java/lang/Math", "cbrt", 0.0);
        assertEquals(Double.POSITIVE_INFINITY, c[0]);
        assertEquals(Double.NEGATIVE_INFINITY, c[1]);
    }

    // ---- binary rules -------------------------------------------------------------------------------

    /** Hand-derived second partials of a binary function: {dxx, dxy, dyy}. */
    @FunctionalInterface
    private interface Second2 {
        double[] at(double x, double y);
    }

    private record Binary(String name, Second2 second, double[]... points) {
    }

    private static final Binary[] BINARY = {
            new Binary("pow", (x, y) -> new double[] {
                    y * (y - 1) * Math.pow(x, y - 2),
                    Math.pow(x, y - 1) + y * Math.pow(x, y - 1) * Math.log(x),
                    Math.pow(x, y) * Math.pow(Math.log(x), 2)},
                    new double[] {1.7, 2.3}, new double[] {0.5, -1.2}, new double[] {2.0, 3.0},
                    new double[] {3.1, 0.5}),
            // atan2(y, x): first argument y, second x
            new Binary("atan2", (y, x) -> new double[] {
                    -2 * x * y / Math.pow(x * x + y * y, 2),
                    (y * y - x * x) / Math.pow(x * x + y * y, 2),
                    2 * x * y / Math.pow(x * x + y * y, 2)},
                    new double[] {0.3, -1.1}, new double[] {-2.0, 0.5}, new double[] {1.0, 1.0}),
            new Binary("hypot", (x, y) -> new double[] {
                    y * y / Math.pow(x * x + y * y, 1.5),
                    -x * y / Math.pow(x * x + y * y, 1.5),
                    x * x / Math.pow(x * x + y * y, 1.5)},
                    new double[] {3.0, 4.0}, new double[] {-1.5, 0.2}),
            new Binary("IEEEremainder", (x, y) -> new double[3], new double[] {7.3, 2.0}),
            new Binary("copySign", (x, y) -> new double[3], new double[] {-1.5, 2.0}, new double[] {1.5, -2.0}),
            new Binary("nextAfter", (x, y) -> new double[3], new double[] {1.5, 2.0}),
    };

    /** {dx, dy, dxx, dxy, dyy} as recorded with both arguments active (missing record: zeros). */
    private static double[] binaryPartials(String owner, String name, double x, double y) throws Throwable {
        Tape t = Tape.open(true);
        try {
            long a = t.input(x), b = t.input(y);
            long r = (long) rule(owner, name, "(DD)D").invokeExact(a, b, t);
            double[] d = partials(t, r);
            double[] h = curvature(t, r);
            if (h == null) {
                h = new double[3];
            }
            return new double[] {d[0], d[1], h[0], h[1], h[2]};
        } finally {
            t.close();
        }
    }

    @Test
    void everyBinaryRuleRecordsItsHandDerivedSecondPartials() throws Throwable {
        for (String owner : OWNERS) {
            for (Binary b : BINARY) {
                for (double[] p : b.points) {
                    double[] expected = b.second.at(p[0], p[1]);
                    double[] got = binaryPartials(owner, b.name, p[0], p[1]);
                    String what = owner + "." + b.name + " at (" + p[0] + ", " + p[1] + ")";
                    close(expected[0], got[2], TOL, what + " d2/dx2");
                    close(expected[1], got[3], TOL, what + " d2/dxdy");
                    close(expected[2], got[4], TOL, what + " d2/dy2");
                    checkOneSideActive(owner, b.name, p[0], p[1], expected, what);
                }
            }
        }
    }

    /** With one argument passive only its partner's own second derivative is recorded. */
    private static void checkOneSideActive(String owner, String name, double x, double y, double[] expected,
                                           String what) throws Throwable {
        MethodHandle rule = rule(owner, name, "(DD)D");
        Tape t = Tape.open(true);
        try {
            long r = (long) rule.invokeExact(t.input(x), Slot.passive(y), t);
            double[] h = curvature(t, r);
            close(expected[0], h == null ? 0.0 : h[0], TOL, what + " d2/dx2, y passive");
            assertTrue(h == null || h.length == 1);
            r = (long) rule.invokeExact(Slot.passive(x), t.input(y), t);
            h = curvature(t, r);
            close(expected[2], h == null ? 0.0 : h[0], TOL, what + " d2/dy2, x passive");
        } finally {
            t.close();
        }
    }

    @Test
    void binarySecondPartialsAgreeWithDifferencesOfTheFirst() throws Throwable {
        for (Binary b : BINARY) {
            for (double[] p : b.points) {
                double x = p[0], y = p[1];
                double hx = 1e-5 * Math.max(1.0, Math.abs(x)), hy = 1e-5 * Math.max(1.0, Math.abs(y));
                double[] xp = binaryPartials("java/lang/Math", b.name, x + hx, y);
                double[] xm = binaryPartials("java/lang/Math", b.name, x - hx, y);
                double[] yp = binaryPartials("java/lang/Math", b.name, x, y + hy);
                double[] ym = binaryPartials("java/lang/Math", b.name, x, y - hy);
                double[] got = binaryPartials("java/lang/Math", b.name, x, y);
                String what = b.name + " at (" + x + ", " + y + ")";
                close((xp[0] - xm[0]) / (2 * hx), got[2], 1e-6, what + " d2/dx2");
                close((yp[0] - ym[0]) / (2 * hy), got[3], 1e-6, what + " d2/dxdy from d/dx");
                close((xp[1] - xm[1]) / (2 * hx), got[3], 1e-6, what + " d2/dxdy from d/dy");
                close((yp[1] - ym[1]) / (2 * hy), got[4], 1e-6, what + " d2/dy2");
            }
        }
    }

    @Test
    void maxAndMinArePiecewiseLinear() throws Throwable {
        for (String owner : OWNERS) {
            for (String name : new String[] {"max", "min"}) {
                MethodHandle rule = rule(owner, name, "(DD)D");
                Tape t = Tape.open(true);
                try {
                    long a = t.input(1.5), b = t.input(2.0), c = t.input(2.0);
                    long r1 = (long) rule.invokeExact(a, b, t);
                    long r2 = (long) rule.invokeExact(b, c, t); // a tie: split evenly
                    long r3 = (long) rule.invokeExact(a, Slot.passive(-1.0), t);
                    assertTrue(Slot.isActive(r1) && Slot.isActive(r2));
                    assertEquals(0, t.hCount, owner + "." + name + " must write no curvature record");
                } finally {
                    t.close();
                }
            }
        }
    }

    @Test
    void hypotAtTheOriginFollowsTheFirstDerivativesConvention() throws Throwable {
        assertArrayEquals(new double[5], binaryPartials("java/lang/Math", "hypot", 0.0, 0.0));
    }

    @Test
    void powWithAnIntegerExponentOfANegativeBaseHasAFiniteSecondDerivative() throws Throwable {
        Tape t = Tape.open(true);
        try {
            long r = (long) rule("java/lang/Math", "pow", "(DD)D").invokeExact(t.input(-2.0), Slot.passive(3.0), t);
            close(3 * 2 * -2.0, curvature(t, r)[0], TOL, "pow(-2, 3)''");
            r = (long) rule("java/lang/Math", "pow", "(DD)D").invokeExact(t.input(-2.0), Slot.passive(1.0), t);
            assertEquals(null, curvature(t, r), "x^1 is linear");
        } finally {
            t.close();
        }
    }

    // ---- fma, scalb and the arithmetic operations ----------------------------------------------------

    @Test
    void fmaRecordsOnlyTheCrossTermOfItsProduct() throws Throwable {
        for (String owner : OWNERS) {
            MethodHandle fma = rule(owner, "fma", "(DDD)D");
            Tape t = Tape.open(true);
            try {
                long a = t.input(1.5), b = t.input(-2.0), c = t.input(0.25);
                long r = (long) fma.invokeExact(a, b, c, t);
                assertArrayEquals(new double[] {0, 1, 0, 0, 0, 0}, curvature(t, r));
                assertArrayEquals(new double[] {-2.0, 1.5, 1.0}, partials(t, r));
                r = (long) fma.invokeExact(a, b, Slot.passive(3.0), t);
                assertArrayEquals(new double[] {0, 1, 0}, curvature(t, r));
                r = (long) fma.invokeExact(a, Slot.passive(3.0), c, t);
                assertEquals(null, curvature(t, r));
            } finally {
                t.close();
            }
        }
    }

    @Test
    void scalbIsLinear() throws Throwable {
        Tape t = Tape.open(true);
        try {
            long r = (long) rule("java/lang/Math", "scalb", "(DI)D").invokeExact(t.input(1.5), 3, t);
            assertEquals(null, curvature(t, r));
            assertArrayEquals(new double[] {8.0}, partials(t, r));
        } finally {
            t.close();
        }
    }

    @Test
    void mulAndDivRecordTheirSecondPartials() {
        Tape t = Tape.open(true);
        try {
            double va = 1.5, vb = -0.8;
            long a = t.input(va), b = t.input(vb);
            assertArrayEquals(new double[] {0, 1, 0}, curvature(t, Ops.mul(a, b, t)));
            assertEquals(null, curvature(t, Ops.mul(a, Slot.passive(3.0), t)));
            long q = Ops.div(a, b, t);
            double[] h = curvature(t, q);
            close(0.0, h[0], TOL, "d2(a/b)/da2");
            close(-1.0 / (vb * vb), h[1], TOL, "d2(a/b)/dadb");
            close(2.0 * va / (vb * vb * vb), h[2], TOL, "d2(a/b)/db2");
            close(2.0 * 3.0 / (vb * vb * vb), curvature(t, Ops.div(Slot.passive(3.0), b, t))[0], TOL,
                    "d2(3/b)/db2");
            assertEquals(null, curvature(t, Ops.div(a, Slot.passive(3.0), t)));
            for (long lin : new long[] {Ops.add(a, b, t), Ops.sub(a, b, t), Ops.neg(a, t), Ops.rem(a, b, t)}) {
                assertEquals(null, curvature(t, lin), "linear operations write no curvature");
            }
        } finally {
            t.close();
        }
    }
}
