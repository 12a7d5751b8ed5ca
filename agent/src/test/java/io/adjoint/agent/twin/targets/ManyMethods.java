package io.adjoint.agent.twin.targets;

import java.util.function.DoubleUnaryOperator;

/**
 * Target: many methods, overloads whose twins would share a descriptor (double and long both become a
 * long slot), constructors taking doubles, private and static helpers, lambdas and string concatenation
 * with doubles, interfaces with default and static methods, a record with double components.
 */
public class ManyMethods implements Shape {
    public record Point(double x, double y) {
        public double norm() {
            return Math.hypot(x, y);
        }
    }

    private final double scale;

    public ManyMethods(double scale) {
        this.scale = scale;
    }

    public ManyMethods() {
        this(1.0);
    }

    @Override
    public double area(double x) {
        return scale * x * x;
    }

    public static double f(double x) {
        return x + 1;
    }

    public static double f(long x) {
        return x + 2;
    }

    public static long f(double x, int n) {
        return (long) x * n;
    }

    public static double f(double[] x) {
        return x[0];
    }

    private double g(double x) {
        return h(x) * scale;
    }

    private static double h(double x) {
        return x - 1;
    }

    public double callsEverything(double x) {
        ManyMethods other = new ManyMethods(x);         // constructor with a double argument
        Point p = new Point(x, 2.0);
        double viaShape = ((Shape) other).twice(x) + Shape.unit();
        String text = "x=" + x + ", p=" + p;            // string concatenation with doubles
        DoubleUnaryOperator op = v -> v * scale + x;    // a lambda capturing a double
        return f(x) + f((long) x) + f(x, 3) + f(new double[] {x}) + g(x) + viaShape + text.length()
                + op.applyAsDouble(x) + p.norm() + p.x();
    }

    public static double m01(double x) { return x + 1; }
    public static double m02(double x) { return m01(x) * 2; }
    public static double m03(double x) { return m02(x) - 3; }
    public static double m04(double x) { return m03(x) / 4; }
    public static double m05(double x) { return m04(x) % 5; }
    public static double m06(double x) { return -m05(x); }
    public static double m07(double x) { return Math.sin(m06(x)); }
    public static double m08(double x) { return StrictMath.cos(m07(x)); }
    public static double m09(double x) { return Math.max(m08(x), 0.5); }
    public static double m10(double x) { return Math.fma(m09(x), x, 1.0); }
    public static int m11(double x) { return Double.compare(x, m10(x)); }
    public static boolean m12(double x) { return m11(x) > 0 && x != x; }
    public static Object m13(double x) { return m12(x) ? null : Double.valueOf(x); }
    public static double m14(Object o) { return o instanceof Double d ? d : 0.0; }
    public static String m15(double x) { return String.valueOf(m14(m13(x))); }
    public static double m16(String s) { return Double.parseDouble(s); }
    public static double[] m17(double x) { return new double[] {m16(m15(x))}; }
    public static double m18(double x) { return m17(x)[0] * Math.scalb(x, 3); }
    public static long m19(double x) { return Math.round(m18(x)) + Double.doubleToLongBits(x); }
    public static double m20(double x) { return Double.longBitsToDouble(m19(x)) + Math.ulp(x); }
}
