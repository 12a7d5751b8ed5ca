package io.adjoint.it.thirdparty;

import org.hipparchus.analysis.differentiation.UnivariateDifferentiableFunction;
import org.hipparchus.special.Erf;
import org.hipparchus.special.Gamma;

/** A program using Hipparchus as any program would; it knows nothing of Adjoint. */
public final class Driver {
    private Driver() {
    }

    public static void main(String[] args) {
        for (Cases.Case c : Cases.FUNCTIONS) {
            UnivariateDifferentiableFunction f = c.function().get();
            for (double x : c.xs()) {
                double y = f.value(x);
                System.out.println(f.getClass().getSimpleName() + "(" + x + ") = " + y + " ["
                        + Long.toHexString(Double.doubleToRawLongBits(y)) + "]");
            }
        }
        for (double x : Cases.LOG_GAMMA) {
            System.out.println("logGamma(" + x + ") = " + Gamma.logGamma(x));
        }
        for (double x : Cases.ERF) {
            System.out.println("erf(" + x + ") = " + Erf.erf(x));
        }
    }
}
