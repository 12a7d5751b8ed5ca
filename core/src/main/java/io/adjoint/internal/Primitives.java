package io.adjoint.internal;

import io.adjoint.internal.RuleOps.DoubleIntToDouble;
import io.adjoint.internal.RuleOps.Partial2;
import io.adjoint.internal.RuleOps.Ternary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleToIntFunction;
import java.util.function.DoubleToLongFunction;
import java.util.function.DoubleUnaryOperator;

/**
 * The table of primitives: every library function Adjoint differentiates by rule rather than by
 * instrumenting its bytecode, each with its derivative (in the spirit of JAX's primitive table).
 * Each row gives the primal for {@code java.lang.Math} and for {@code java.lang.StrictMath} (so the
 * recorded value is bit-for-bit what the program computes) and the local partials.
 *
 * <p>Conventions at points where the derivative does not exist (seed notes: d/dv max(0, v) = 1{v >= 0}):
 * abs'(0) = 0, sqrt'(0) = cbrt'(0) = +inf, max/min ties as in {@link RuleOps#select}, and functions that
 * are piecewise constant (floor, ceil, rint, round, signum, ulp) have derivative 0 and give passive results.
 *
 * <p>Each row also gives the second derivatives, recorded only on a second-order tape (Hessians).
 * Piecewise linear functions have second derivative 0 ({@link #LINEAR}); where the first derivative is
 * singular or set by convention, the second follows it: sqrt''(0) = cbrt''(0) = -inf, hypot's are 0 at the
 * origin like its first, and pow's terms with log x are 0 where x^y = 0.
 */
public final class Primitives {
    private Primitives() {
    }

    private static final String MATH = "java/lang/Math";
    private static final String STRICT = "java/lang/StrictMath";
    private static final Map<String, MethodHandle> RULES = new ConcurrentHashMap<>();
    private static final double LN10 = Math.log(10.0);
    private static final MethodHandles.Lookup L = MethodHandles.lookup();
    private static final Class<?> J = long.class;

    /** The second derivative of a (piecewise) linear function of one variable. */
    private static final DoubleBinaryOperator LINEAR = (x, y) -> 0.0;
    /** A second partial derivative of a (piecewise) linear function of two variables. */
    private static final Partial2 LINEAR2 = (x, y, r) -> 0.0;

    static {
        // name, Math primal, StrictMath primal, then at (x, y = f(x)): f'(x), f''(x)
        unary("exp", Math::exp, StrictMath::exp, (x, y) -> y, (x, y) -> y);
        unary("expm1", Math::expm1, StrictMath::expm1, // exp(x), not y + 1: that cancels for x << 0
                (x, y) -> Math.exp(x), (x, y) -> Math.exp(x));
        unary("log", Math::log, StrictMath::log, (x, y) -> 1.0 / x, (x, y) -> -1.0 / (x * x));
        unary("log10", Math::log10, StrictMath::log10,
                (x, y) -> 1.0 / (x * LN10), (x, y) -> -1.0 / (x * x * LN10));
        unary("log1p", Math::log1p, StrictMath::log1p,
                (x, y) -> 1.0 / (1.0 + x), (x, y) -> -1.0 / ((1.0 + x) * (1.0 + x)));
        unary("sqrt", Math::sqrt, StrictMath::sqrt, // |y|: sqrt(-0.0) is -0.0, and sqrt'(0) = +inf
                (x, y) -> 0.5 / Math.abs(y), (x, y) -> -0.25 / (Math.abs(y) * y * y));
        unary("cbrt", Math::cbrt, StrictMath::cbrt,
                (x, y) -> 1.0 / (3.0 * y * y), (x, y) -> -2.0 / (9.0 * y * y * y * y * y));
        unary("sin", Math::sin, StrictMath::sin, (x, y) -> Math.cos(x), (x, y) -> -y);
        unary("cos", Math::cos, StrictMath::cos, (x, y) -> -Math.sin(x), (x, y) -> -y);
        unary("tan", Math::tan, StrictMath::tan, (x, y) -> 1.0 + y * y, (x, y) -> 2.0 * y * (1.0 + y * y));
        unary("asin", Math::asin, StrictMath::asin,
                (x, y) -> 1.0 / Math.sqrt((1.0 - x) * (1.0 + x)), // (1 - x)(1 + x): no cancellation near 1
                (x, y) -> x / Math.pow((1.0 - x) * (1.0 + x), 1.5));
        unary("acos", Math::acos, StrictMath::acos,
                (x, y) -> -1.0 / Math.sqrt((1.0 - x) * (1.0 + x)),
                (x, y) -> -x / Math.pow((1.0 - x) * (1.0 + x), 1.5));
        unary("atan", Math::atan, StrictMath::atan,
                (x, y) -> 1.0 / (1.0 + x * x), (x, y) -> -2.0 * x / ((1.0 + x * x) * (1.0 + x * x)));
        unary("sinh", Math::sinh, StrictMath::sinh, (x, y) -> Math.cosh(x), (x, y) -> y);
        unary("cosh", Math::cosh, StrictMath::cosh, (x, y) -> Math.sinh(x), (x, y) -> y);
        unary("tanh", Math::tanh, StrictMath::tanh, // sech^2 x, not 1 - y^2: that cancels to 0 once tanh x rounds to 1
                (x, y) -> sech2(x), (x, y) -> -2.0 * y * sech2(x));
        unary("abs", Math::abs, StrictMath::abs, (x, y) -> x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0, LINEAR);
        unary("toRadians", Math::toRadians, StrictMath::toRadians, (x, y) -> Math.toRadians(1.0), LINEAR);
        unary("toDegrees", Math::toDegrees, StrictMath::toDegrees, (x, y) -> Math.toDegrees(1.0), LINEAR);
        unary("nextUp", Math::nextUp, StrictMath::nextUp, (x, y) -> 1.0, LINEAR);
        unary("nextDown", Math::nextDown, StrictMath::nextDown, (x, y) -> 1.0, LINEAR);

        // piecewise constant: derivatives zero, results passive
        flat("floor", Math::floor, StrictMath::floor);
        flat("ceil", Math::ceil, StrictMath::ceil);
        flat("rint", Math::rint, StrictMath::rint);
        flat("signum", Math::signum, StrictMath::signum);
        flat("ulp", Math::ulp, StrictMath::ulp);
        flatToLong("round", Math::round, StrictMath::round);
        toInt("getExponent", Math::getExponent, StrictMath::getExponent);

        // name, primals, then at (x, y, r = f(x, y)): d/dx, d/dy, d2/dx2, d2/dxdy, d2/dy2
        binary("pow", Math::pow, StrictMath::pow,
                (x, y, r) -> y == 0 ? 0.0 : y * Math.pow(x, y - 1.0),
                (x, y, r) -> r == 0 ? 0.0 : r * Math.log(x),
                (x, y, r) -> y == 0 || y == 1 ? 0.0 : y * (y - 1.0) * Math.pow(x, y - 2.0),
                (x, y, r) -> r == 0 ? 0.0 : Math.pow(x, y - 1.0) * (1.0 + y * Math.log(x)),
                (x, y, r) -> r == 0 ? 0.0 : r * Math.log(x) * Math.log(x));
        // atan2(y, x), with s = x^2 + y^2 taken as h * h, h = hypot(x, y): the squares overflow or underflow
        // at |x|, |y| ~ 1e+-154
        binary("atan2", Math::atan2, StrictMath::atan2,
                (y, x, r) -> x / Math.hypot(x, y) / Math.hypot(x, y),
                (y, x, r) -> -y / Math.hypot(x, y) / Math.hypot(x, y),
                (y, x, r) -> -2.0 * (x / Math.hypot(x, y) / Math.hypot(x, y)) * (y / Math.hypot(x, y) / Math.hypot(x, y)),
                (y, x, r) -> ((y - x) / Math.hypot(x, y) / Math.hypot(x, y)) * ((y + x) / Math.hypot(x, y) / Math.hypot(x, y)),
                (y, x, r) -> 2.0 * (x / Math.hypot(x, y) / Math.hypot(x, y)) * (y / Math.hypot(x, y) / Math.hypot(x, y)));
        binary("hypot", Math::hypot, StrictMath::hypot,
                (x, y, r) -> r == 0 ? 0.0 : x / r,
                (x, y, r) -> r == 0 ? 0.0 : y / r,
                (x, y, r) -> r == 0 ? 0.0 : (y / r) * (y / r) / r,
                (x, y, r) -> r == 0 ? 0.0 : -(x / r) * (y / r) / r,
                (x, y, r) -> r == 0 ? 0.0 : (x / r) * (x / r) / r);
        binary("IEEEremainder", Math::IEEEremainder, StrictMath::IEEEremainder,
                (x, y, r) -> 1.0,
                (x, y, r) -> -Math.rint((x - r) / y),
                LINEAR2, LINEAR2, LINEAR2);
        binary("copySign", Math::copySign, StrictMath::copySign,
                (x, y, r) -> (Math.copySign(1.0, x) == Math.copySign(1.0, r)) ? 1.0 : -1.0,
                (x, y, r) -> 0.0,
                LINEAR2, LINEAR2, LINEAR2);
        binary("nextAfter", Math::nextAfter, StrictMath::nextAfter,
                (x, y, r) -> 1.0,
                (x, y, r) -> 0.0,
                LINEAR2, LINEAR2, LINEAR2);
        select("max", Math::max, StrictMath::max, true);      // piecewise linear
        select("min", Math::min, StrictMath::min, false);     // piecewise linear
        fma(Math::fma, StrictMath::fma);                      // a * b + c: d2/dadb = 1, the rest 0
        scalb(Math::scalb, StrictMath::scalb);                // x * 2^n: linear

        // memory primitives: copies and rearrangements of double[] carry the elements' slots along
        // Math's float overloads
        floatRow("abs", "(F)F");
        floatRow("max", "(FF)F");
        floatRow("min", "(FF)F");

        memory("java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V", "arraycopy");
        memory("java/util/Arrays", "copyOf", "([DI)[D", "copyOf");
        memory("java/util/Arrays", "copyOfRange", "([DII)[D", "copyOfRange");
        memory("java/util/Arrays", "fill", "([DD)V", "fill");
        memory("java/util/Arrays", "fill", "([DIID)V", "fill");
        memory("java/util/Arrays", "sort", "([D)V", "sort");
        memory("java/util/Arrays", "sort", "([DII)V", "sort");
    }

    private static void floatRow(String name, String desc) {
        MethodType type = MethodType.fromMethodDescriptorString(desc, null).appendParameterTypes(Tape.class);
        try {
            MethodHandle h = L.findStatic(FloatOps.class, name, type);
            register(MATH, name, desc, h);
            register(STRICT, name, desc, h);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void memory(String owner, String name, String desc, String opsMethod) {
        MethodType slots = MethodType.fromMethodDescriptorString(desc, null);
        for (int i = 0; i < slots.parameterCount(); i++) {
            if (slots.parameterType(i) == double.class) {
                slots = slots.changeParameterType(i, long.class);
            }
        }
        try {
            register(owner, name, desc, L.findStatic(Ops.class, opsMethod, slots.appendParameterTypes(Tape.class)));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The rule for a call, as a handle whose type is the call's descriptor with each double as a long
     * slot, plus the tape as a last argument; null if there is none.
     */
    public static MethodHandle lookup(String owner, String name, String descriptor) {
        LibraryRules.init();
        return RULES.get(owner + '.' + name + descriptor);
    }

    /** Registers (or replaces) the rule for one static method, given as a ready handle. */
    public static void register(String owner, String name, String descriptor, MethodHandle rule) {
        RULES.put(owner + '.' + name + descriptor, rule);
    }

    // ---- row builders ----------------------------------------------------------------------------


    private static MethodHandle shape(String name, MethodType type) {
        try {
            return L.findStatic(RuleOps.class, name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void both(String name, String desc, MethodHandle shape, int at, Object mathPrimal,
                             Object strictPrimal, Object... rest) {
        Object[] m = new Object[rest.length + 1];
        Object[] s = new Object[rest.length + 1];
        m[0] = mathPrimal;
        s[0] = strictPrimal;
        System.arraycopy(rest, 0, m, 1, rest.length);
        System.arraycopy(rest, 0, s, 1, rest.length);
        register(MATH, name, desc, MethodHandles.insertArguments(shape, at, m));
        register(STRICT, name, desc, MethodHandles.insertArguments(shape, at, s));
    }

    private static void unary(String name, DoubleUnaryOperator math, DoubleUnaryOperator strict,
                              DoubleBinaryOperator d, DoubleBinaryOperator d2) {
        both(name, "(D)D", shape("unary", MethodType.methodType(J, J, Tape.class,
                DoubleUnaryOperator.class, DoubleBinaryOperator.class, DoubleBinaryOperator.class)),
                2, math, strict, d, d2);
    }

    private static void flat(String name, DoubleUnaryOperator math, DoubleUnaryOperator strict) {
        both(name, "(D)D", shape("flat", MethodType.methodType(J, J, Tape.class, DoubleUnaryOperator.class)),
                2, math, strict);
    }

    private static void flatToLong(String name, DoubleToLongFunction math, DoubleToLongFunction strict) {
        both(name, "(D)J", shape("flatToLong", MethodType.methodType(J, J, Tape.class,
                DoubleToLongFunction.class)), 2, math, strict);
    }

    private static void toInt(String name, DoubleToIntFunction math, DoubleToIntFunction strict) {
        both(name, "(D)I", shape("toInt", MethodType.methodType(int.class, J, Tape.class,
                DoubleToIntFunction.class)), 2, math, strict);
    }

    private static void binary(String name, DoubleBinaryOperator math, DoubleBinaryOperator strict,
                               Partial2 dx, Partial2 dy, Partial2 dxx, Partial2 dxy, Partial2 dyy) {
        both(name, "(DD)D", shape("binary", MethodType.methodType(J, J, J, Tape.class,
                DoubleBinaryOperator.class, Partial2.class, Partial2.class, Partial2.class, Partial2.class,
                Partial2.class)), 3, math, strict, dx, dy, dxx, dxy, dyy);
    }

    private static void select(String name, DoubleBinaryOperator math, DoubleBinaryOperator strict, boolean max) {
        both(name, "(DD)D", shape("select", MethodType.methodType(J, J, J, Tape.class,
                DoubleBinaryOperator.class, boolean.class)), 3, math, strict, max);
    }

    private static void fma(Ternary math, Ternary strict) {
        both("fma", "(DDD)D", shape("fma", MethodType.methodType(J, J, J, J, Tape.class, Ternary.class)),
                4, math, strict);
    }

    private static void scalb(DoubleIntToDouble math, DoubleIntToDouble strict) {
        both("scalb", "(DI)D", shape("scalb", MethodType.methodType(J, J, int.class, Tape.class,
                DoubleIntToDouble.class)), 3, math, strict);
    }

    /**
     * sech^2 x = 4t / (1 + t)^2 with t = e^(-2|x|): one exp (a JIT intrinsic) where 1 / cosh^2 x takes two cosh
     * calls, and accurate to a few ulps for every x (t underflows only where sech^2 x does). Public: preaccumulated
     * blocks (agent twin/Preaccumulation) take tanh's slope from here too.
     */
    public static double sech2(double x) {
        double t = Math.exp(-2.0 * Math.abs(x));
        double d = 1.0 + t;
        return 4.0 * t / (d * d);
    }
}
