package io.adjoint.it.validation;

import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.logging.Logger;

/**
 * The loud cases: an exact derivative is impossible, so Adjoint must throw NotDifferentiableException naming
 * the callee and this file's line (marked LOUD), never return a gradient that is silently wrong. And the
 * passive uses of active values, which must simply work.
 */
final class LoudTarget {
    private static final Logger LOG = Logger.getLogger(LoudTarget.class.getName());

    /** An opaque JDK call fed an active argument, returning an object holding a double. */
    static double optional(double[] x) {
        double a = x[0] * x[1];
        return OptionalDouble.of(a).getAsDouble(); // LOUD optional
    }

    /** Bits out of an active double and back. */
    static double rawBits(double[] x) {
        long bits = Double.doubleToRawLongBits(x[0] * 2);
        return Double.longBitsToDouble(bits & Long.MAX_VALUE); // LOUD rawBits
    }

    static double bits(double[] x) {
        long bits = Double.doubleToLongBits(x[0]);
        return Double.longBitsToDouble(bits + 1) * x[1]; // LOUD bits
    }

    /** A bit trick that never calls longBitsToDouble: the fraction bits of x as a double, x - 1 for x in [1, 2). */
    static double mantissa(double[] x) {
        long bits = Double.doubleToRawLongBits(x[0]);
        return (bits & 0xFFFFFFFFFFFFFL) * 0x1p-52; // LOUD mantissa
    }

    /** Bits of an active value taken for hashing, then an unrelated constant made from bits: refused all the same. */
    static double bitsThenUnrelated(double[] x) {
        long hash = Double.doubleToLongBits(x[0]) * 31;
        double one = Double.longBitsToDouble(0x3FF0000000000000L); // LOUD bitsThenUnrelated
        return (hash != 0 ? one : 2) * x[0];
    }

    /** A value round-tripped through its decimal text. */
    static double throughText(double[] x) {
        return Double.parseDouble(String.valueOf(x[0] * 2)) * x[1]; // LOUD throughText
    }

    /** A JDK stream over an array of active values. */
    static double stream(double[] x) {
        return Arrays.stream(x).map(v -> v * v).sum();
    }

    /** The same stream, over a copy made inside (its elements are active too). */
    static double streamOfCopy(double[] x) {
        double[] y = Arrays.copyOf(x, x.length);
        return Arrays.stream(y).sum();
    }

    /** Passive uses: printing, String.valueOf, formatting, comparisons, logging, hashing. f = x0 x1 + count. */
    static double passiveUses(double[] x) {
        double p = x[0] * x[1];
        StringBuilder sb = new StringBuilder();
        sb.append(p).append(' ').append(String.valueOf(x[0])).append(String.format(" %.3f", x[1]));
        String s = "p=" + p + " x0=" + x[0];
        LOG.fine(() -> "value " + p);
        LOG.finest("finest " + p);
        int count = 0;
        if (Double.compare(x[0], x[1]) < 0) {
            count++;
        }
        if (p > 0 && Double.isFinite(p) && !Double.isNaN(x[1])) {
            count++;
        }
        count += Double.hashCode(p) == Double.valueOf(p).hashCode() ? 1 : 0;
        count += Math.max(x[0], x[1]) == x[1] ? 1 : 0;
        count += sb.length() > 0 && s.contains("p=") ? 1 : 0;
        System.out.print("");
        System.out.printf("%s", "");
        return p + count;
    }

    private static final io.adjoint.Gradient INNER = io.adjoint.Gradients.of(y -> y[0] * y[0] * 3);

    /** A gradient asked for inside a differentiated function, of an active point: nested AD is refused. */
    static double gradientOfActivePoint(double[] x) {
        double[] g = INNER.at(x[0] * 2); // LOUD gradientOfActivePoint
        return x[1] * g[0];
    }

    /** x0^2 times the gradient of this same function, through the same Gradient object, at (3, 0): (6, 0). */
    static final io.adjoint.Gradient SELF = io.adjoint.Gradients.of(LoudTarget::selfNested);

    static double selfNested(double[] x) {
        return x.length == 2 ? x[0] * x[0] : x[0] * x[0] * SELF.at(3.0, 0.0)[0];
    }

    /** The same with a passive point: the inner gradient is a constant of the outer function. */
    static double gradientOfPassivePoint(double[] x) {
        double[] g = INNER.at(0.5, 1.0);
        return x[1] * g[0] + String.format("%.1f %.1f", x[0], g[1]).length();
    }
}
