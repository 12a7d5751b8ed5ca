package io.adjoint.internal;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleToLongFunction;
import java.util.function.DoubleUnaryOperator;

/**
 * The runtime shapes of derivative rules. {@link Primitives} binds each shape to one function's primal
 * and partials; the bound handle is what an {@code invokedynamic} site in twin code calls, so the JIT
 * sees constants and inlines through.
 */
public final class RuleOps {
    private RuleOps() {
    }

    /** The partial derivative of a binary function with respect to one argument, at (x, y) with result r. */
    @FunctionalInterface
    public interface Partial2 {
        double at(double x, double y, double r);
    }

    @FunctionalInterface
    public interface Ternary {
        double apply(double a, double b, double c);
    }

    @FunctionalInterface
    public interface DoubleIntToDouble {
        double apply(double x, int n);
    }

    /** y = f(x), dy/dx = df(x, y), d2y/dx2 = d2f(x, y) (the latter only on a second-order tape). */
    public static long unary(long x, Tape t, DoubleUnaryOperator f, DoubleBinaryOperator df,
                             DoubleBinaryOperator d2f) {
        if (Slot.isPassive(x)) {
            return Slot.passive(f.applyAsDouble(Slot.value(x)));
        }
        return unaryActive(x, t, f, df, d2f);
    }

    private static long unaryActive(long x, Tape t, DoubleUnaryOperator f, DoubleBinaryOperator df,
                                    DoubleBinaryOperator d2f) {
        double v = t.valueOf(x);
        double y = f.applyAsDouble(v);
        if (t.secondOrder) {
            return t.push1(y, x, df.applyAsDouble(v, y), d2f.applyAsDouble(v, y));
        }
        return t.push1(y, x, df.applyAsDouble(v, y));
    }

    /** A function whose derivative is zero wherever it exists (floor, rint, signum, ulp): the result is passive. */
    public static long flat(long x, Tape t, DoubleUnaryOperator f) {
        return Slot.passive(f.applyAsDouble(t.primal(x)));
    }

    /** A zero-derivative function with a long result (Math.round). */
    public static long flatToLong(long x, Tape t, DoubleToLongFunction f) {
        return f.applyAsLong(t.primal(x));
    }

    /**
     * r = f(x, y) with partials dx(x, y, r) and dy(x, y, r); only active arguments are recorded. On a
     * second-order tape also the second partials dxx, dxy, dyy of the active arguments.
     */
    public static long binary(long a, long b, Tape t, DoubleBinaryOperator f, Partial2 dx, Partial2 dy,
                              Partial2 dxx, Partial2 dxy, Partial2 dyy) {
        boolean pa = Slot.isPassive(a), pb = Slot.isPassive(b);
        if (pa && pb) {
            return Slot.passive(f.applyAsDouble(Slot.value(a), Slot.value(b)));
        }
        double va = pa ? Slot.value(a) : t.valueOf(a);
        double vb = pb ? Slot.value(b) : t.valueOf(b);
        double r = f.applyAsDouble(va, vb);
        if (t.secondOrder) {
            if (pb) {
                return t.push1(r, a, dx.at(va, vb, r), dxx.at(va, vb, r));
            }
            if (pa) {
                return t.push1(r, b, dy.at(va, vb, r), dyy.at(va, vb, r));
            }
            return t.push2(r, a, dx.at(va, vb, r), b, dy.at(va, vb, r),
                    dxx.at(va, vb, r), dxy.at(va, vb, r), dyy.at(va, vb, r));
        }
        if (pb) {
            return t.push1(r, a, dx.at(va, vb, r));
        }
        if (pa) {
            return t.push1(r, b, dy.at(va, vb, r));
        }
        return t.push2(r, a, dx.at(va, vb, r), b, dy.at(va, vb, r));
    }

    /**
     * max or min: the gradient goes to the selected argument (a NaN argument is the one selected).
     * At a tie it goes wholly to the active side when the other is passive, and is split evenly
     * when both are active. Piecewise linear: no second derivatives.
     */
    public static long select(long a, long b, Tape t, DoubleBinaryOperator f, boolean max) {
        boolean pa = Slot.isPassive(a), pb = Slot.isPassive(b);
        if (pa && pb) {
            return Slot.passive(f.applyAsDouble(Slot.value(a), Slot.value(b)));
        }
        double va = pa ? Slot.value(a) : t.valueOf(a);
        double vb = pb ? Slot.value(b) : t.valueOf(b);
        double r = f.applyAsDouble(va, vb);
        boolean takeA = va != va || (vb == vb && (max ? va > vb : va < vb));
        boolean takeB = !takeA && (vb != vb || (max ? vb > va : vb < va));
        if (takeA) {
            return pa ? Slot.passive(r) : t.push1(r, a, 1.0);
        }
        if (takeB) {
            return pb ? Slot.passive(r) : t.push1(r, b, 1.0);
        }
        if (pb) {
            return t.push1(r, a, 1.0);
        }
        if (pa) {
            return t.push1(r, b, 1.0);
        }
        return t.push2(r, a, 0.5, b, 0.5);
    }

    /** fma(a, b, c) = a * b + c, rounded once. Second derivatives: only d2/dadb = 1. */
    public static long fma(long a, long b, long c, Tape t, Ternary f) {
        boolean pa = Slot.isPassive(a), pb = Slot.isPassive(b), pc = Slot.isPassive(c);
        double va = t.primal(a), vb = t.primal(b), vc = t.primal(c);
        double r = f.apply(va, vb, vc);
        if (pa && pb && pc) {
            return Slot.passive(r);
        }
        if (t.secondOrder && !pa && !pb) { // the product of two active values is the only curvature
            return pc ? t.push2(r, a, vb, b, va, 0.0, 1.0, 0.0)
                    : t.push3(r, a, vb, b, va, c, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0);
        }
        // record each active argument; passive ones are folded into the partials
        long x = 0, y = 0, z = 0;
        double dx = 0, dy = 0, dz = 0;
        int k = 0;
        if (!pa) {
            x = a;
            dx = vb;
            k++;
        }
        if (!pb) {
            if (k == 0) {
                x = b;
                dx = va;
            } else {
                y = b;
                dy = va;
            }
            k++;
        }
        if (!pc) {
            if (k == 0) {
                x = c;
                dx = 1.0;
            } else if (k == 1) {
                y = c;
                dy = 1.0;
            } else {
                z = c;
                dz = 1.0;
            }
            k++;
        }
        return k == 1 ? t.push1(r, x, dx) : k == 2 ? t.push2(r, x, dx, y, dy) : t.push3(r, x, dx, y, dy, z, dz);
    }

    /** scalb(x, n) = x * 2^n: partial 2^n, linear. */
    public static long scalb(long x, int n, Tape t, DoubleIntToDouble f) {
        if (Slot.isPassive(x)) {
            return Slot.passive(f.apply(Slot.value(x), n));
        }
        double v = t.valueOf(x);
        return t.push1(f.apply(v, n), x, f.apply(1.0, n));
    }

    /** A function with an int result of a double argument (getExponent): passive by nature. */
    public static int toInt(long x, Tape t, java.util.function.DoubleToIntFunction f) {
        return f.applyAsInt(t.primal(x));
    }
}
