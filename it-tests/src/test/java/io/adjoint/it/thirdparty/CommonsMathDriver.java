package io.adjoint.it.thirdparty;

import org.apache.commons.math3.analysis.differentiation.UnivariateDifferentiableFunction;
import org.apache.commons.math3.analysis.function.Atan;
import org.apache.commons.math3.analysis.function.Cosh;
import org.apache.commons.math3.analysis.function.Exp;
import org.apache.commons.math3.analysis.function.Gaussian;
import org.apache.commons.math3.analysis.function.HarmonicOscillator;
import org.apache.commons.math3.analysis.function.Log;
import org.apache.commons.math3.analysis.function.Logistic;
import org.apache.commons.math3.analysis.function.Sigmoid;
import org.apache.commons.math3.analysis.function.Sin;
import org.apache.commons.math3.analysis.function.Sqrt;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

import java.util.List;
import java.util.function.Supplier;

/**
 * A program using commons-math3 3.6.1, whose class files are Java 5 (version 49: no stack map frames, no
 * invokedynamic): the prologues take their older form there. It knows nothing of Adjoint.
 */
public final class CommonsMathDriver {
    private CommonsMathDriver() {
    }

    public static final List<Supplier<UnivariateDifferentiableFunction>> FUNCTIONS = List.of(
            Sin::new, Exp::new, Log::new, Sqrt::new, Atan::new, Cosh::new, Sigmoid::new,
            () -> new Gaussian(1.3, 0.4, 0.8), () -> new HarmonicOscillator(1.5, 2.0, 0.3),
            () -> new Logistic(2.0, 0.5, 1.5, 0.8, 0.1, 1.3));
    public static final double[] XS = {0.3, 1.7, 4.5};
    public static final double[] LOG_GAMMA = {0.3, 1.0, 2.5, 7.25, 30.0};
    public static final double[] ERF = {-0.2, 0.1, 0.9};

    public static void main(String[] args) {
        for (Supplier<UnivariateDifferentiableFunction> s : FUNCTIONS) {
            UnivariateDifferentiableFunction f = s.get();
            for (double x : XS) {
                System.out.println(f.getClass().getSimpleName() + "(" + x + ") = " + f.value(x));
            }
        }
        for (double x : LOG_GAMMA) {
            System.out.println("logGamma(" + x + ") = " + Gamma.logGamma(x));
        }
        for (double x : ERF) {
            System.out.println("erf(" + x + ") = " + Erf.erf(x));
        }
    }
}
