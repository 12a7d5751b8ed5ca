package io.adjoint.it.thirdparty;

import org.hipparchus.analysis.differentiation.UnivariateDifferentiableFunction;
import org.hipparchus.analysis.function.Acos;
import org.hipparchus.analysis.function.Acosh;
import org.hipparchus.analysis.function.Asin;
import org.hipparchus.analysis.function.Asinh;
import org.hipparchus.analysis.function.Atan;
import org.hipparchus.analysis.function.Atanh;
import org.hipparchus.analysis.function.Cbrt;
import org.hipparchus.analysis.function.Constant;
import org.hipparchus.analysis.function.Cos;
import org.hipparchus.analysis.function.Cosh;
import org.hipparchus.analysis.function.Exp;
import org.hipparchus.analysis.function.Expm1;
import org.hipparchus.analysis.function.Gaussian;
import org.hipparchus.analysis.function.HarmonicOscillator;
import org.hipparchus.analysis.function.Identity;
import org.hipparchus.analysis.function.Inverse;
import org.hipparchus.analysis.function.Log;
import org.hipparchus.analysis.function.Log10;
import org.hipparchus.analysis.function.Log1p;
import org.hipparchus.analysis.function.Logistic;
import org.hipparchus.analysis.function.Logit;
import org.hipparchus.analysis.function.Minus;
import org.hipparchus.analysis.function.Power;
import org.hipparchus.analysis.function.Sigmoid;
import org.hipparchus.analysis.function.Sin;
import org.hipparchus.analysis.function.Sinc;
import org.hipparchus.analysis.function.Sinh;
import org.hipparchus.analysis.function.Sqrt;
import org.hipparchus.analysis.function.Tan;
import org.hipparchus.analysis.function.Tanh;

import java.util.List;
import java.util.function.Supplier;

/**
 * Hipparchus functions (library code nobody here wrote) with the points where the driver evaluates them:
 * one instance per class, so that a report line's class names its case. Shared by the driver (child JVM)
 * and the test, which builds the same instances for the library's own derivatives.
 */
public final class Cases {
    private Cases() {
    }

    public record Case(Supplier<UnivariateDifferentiableFunction> function, double... xs) {
        public String className() {
            return function.get().getClass().getName();
        }
    }

    public static final List<Case> FUNCTIONS = List.of(
            new Case(Sin::new, -2.5, 0.3, 1.2, 7.0),
            new Case(Cos::new, -2.5, 0.3, 1.2, 7.0),
            new Case(Tan::new, -1.2, 0.3, 1.0),
            new Case(Asin::new, -0.7, 0.2, 0.9),
            new Case(Acos::new, -0.7, 0.2, 0.9),
            new Case(Atan::new, -3.0, 0.2, 1.5),
            new Case(Sinh::new, -2.0, 0.1, 3.0),
            new Case(Cosh::new, -2.0, 0.1, 3.0),
            new Case(Tanh::new, -2.0, 0.1, 0.7),
            new Case(Asinh::new, -2.0, 0.1, 5.0),
            new Case(Acosh::new, 1.5, 3.0, 10.0),
            new Case(Atanh::new, -0.6, 0.1, 0.8),
            new Case(Exp::new, -3.0, 0.5, 4.0),
            new Case(Expm1::new, -1.0, 1e-3, 2.0),
            new Case(Log::new, 0.05, 1.5, 40.0),
            new Case(Log1p::new, -0.5, 1e-3, 3.0),
            new Case(Log10::new, 0.05, 1.5, 40.0),
            new Case(Sqrt::new, 0.01, 2.0, 50.0),
            new Case(Cbrt::new, -8.5, 0.3, 27.5),
            new Case(Inverse::new, -2.0, 0.25, 3.0),
            new Case(() -> new Power(2.5), 0.3, 1.7, 4.0),
            new Case(Sinc::new, -3.0, 0.5, 2.0),
            new Case(Sigmoid::new, -2.0, 0.3, 4.0),
            new Case(() -> new Logistic(2.0, 0.5, 1.5, 0.8, 0.1, 1.3), -1.0, 0.4, 2.5),
            new Case(() -> new Logit(-1.0, 3.0), -0.5, 0.3, 2.5),
            new Case(() -> new Gaussian(1.3, 0.4, 0.8), -1.0, 0.4, 1.9),
            new Case(() -> new HarmonicOscillator(1.5, 2.0, 0.3), -1.0, 0.4, 2.2),
            new Case(Minus::new, -1.0, 2.5),
            new Case(Identity::new, -1.0, 2.5),
            new Case(() -> new Constant(3.25), -1.0, 2.5));

    public static final double[] LOG_GAMMA = {0.3, 1.0, 2.5, 7.25, 30.0};
    public static final double[] ERF = {-1.5, -0.2, 0.1, 0.9, 2.3};
}
