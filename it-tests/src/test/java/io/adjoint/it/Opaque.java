package io.adjoint.it;

import java.util.Arrays;

/**
 * Calls into JDK code that has no derivative rule and that Adjoint does not instrument. The lines
 * marked OPAQUE-CALL are looked up by the test, which expects them in the exception's message.
 */
final class Opaque {
    private Opaque() {
    }

    static double optional(double[] x) {
        double a = x[0] * 2;
        return java.util.OptionalDouble.of(a + x[1]).getAsDouble(); // OPAQUE-CALL optional
    }

    static double stream(double[] x) {
        double scale = x.length;
        return Arrays.stream(x).sum() / scale; // differentiated through the stream rules
    }

    /** The same callee with passive arguments only, and passive uses of active values: all fine. */
    static double passiveUses(double[] x) {
        double five = java.util.OptionalDouble.of(5.0).getAsDouble();
        String text = Double.toString(x[0]);
        int compared = Double.compare(x[0], x[1]);
        boolean finite = Double.isFinite(x[1]);
        return five * x[0] + text.length() * x[1] + compared + (finite ? x[1] : 0);
    }
}
