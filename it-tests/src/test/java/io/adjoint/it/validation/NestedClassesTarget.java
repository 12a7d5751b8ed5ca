package io.adjoint.it.validation;

import java.util.function.DoubleUnaryOperator;

/** Static nested, inner, anonymous and local classes, capturing active doubles where they can. */
final class NestedClassesTarget {
    double offset = 0.25;

    static final class StaticNested {
        double square(double v) {
            return v * v;
        }
    }

    final class Inner {
        final double k;

        Inner(double k) {
            this.k = k;
        }

        double apply(double v) {
            return k * v + offset; // reads the outer instance's field
        }
    }

    /** f = x0^2 (nested) + x1 * x2 + 0.25 (inner) + 3 x0 (anonymous) + x0 x1 (local, capturing x0). */
    double run(double[] x) {
        double s = new StaticNested().square(x[0]);
        Inner in = new Inner(x[1]);                    // inner class, active constructor argument
        s += in.apply(x[2]);
        DoubleUnaryOperator anon = new DoubleUnaryOperator() {
            @Override
            public double applyAsDouble(double v) {
                return 3 * v;
            }
        };
        s += anon.applyAsDouble(x[0]);
        double captured = x[0];                        // active, captured by the local class
        class Local {
            double times(double v) {
                return captured * v;
            }
        }
        s += new Local().times(x[1]);
        return s;
    }

    /** An anonymous class capturing an active local: f = sum_i a * x_i with a = x0 x1. */
    static double anonymousCapture(double[] x) {
        double a = x[0] * x[1];
        DoubleUnaryOperator scale = new DoubleUnaryOperator() {
            @Override
            public double applyAsDouble(double v) {
                return a * v;
            }
        };
        double s = 0;
        for (double v : x) {
            s += scale.applyAsDouble(v);
        }
        return s;
    }
}
