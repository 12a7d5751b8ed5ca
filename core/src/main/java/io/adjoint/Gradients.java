package io.adjoint;

import io.adjoint.internal.Engine;
import io.adjoint.internal.Ops;
import io.adjoint.internal.Tape;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

/**
 * Entry points: exact derivatives of ordinary Java code.
 *
 * <pre>{@code
 * Gradient g = Gradients.of(x -> x[0] * x[1] + Math.sin(x[0]));
 * double[] grad = g.at(1.0, 2.0);        // {2 + cos 1, 1}
 * }</pre>
 *
 * The function may call any code of the application: Adjoint records the operations it performs
 * (reverse mode) by running an instrumented twin of that code.
 */
public final class Gradients {
    private Gradients() {
    }

    private static final MethodType SCALAR = MethodType.methodType(long.class, double[].class, Tape.class);
    private static final MethodType UNIVARIATE = MethodType.methodType(long.class, long.class, Tape.class);

    /** The gradient of {@code f} by reverse mode (one recording and one reverse sweep per call). */
    public static Gradient of(ScalarFunction f) {
        MethodHandle twin = Engine.get().twinOf(f, "apply", "([D)D").asType(SCALAR);
        return new ReverseGradient(twin);
    }

    /** The derivative of a function of one variable. */
    public static Derivative derivative(UnivariateFunction f) {
        MethodHandle twin = Engine.get().twinOf(f, "apply", "(D)D").asType(UNIVARIATE);
        return x -> {
            Tape t = Tape.open();
            try {
                long r = (long) twin.invokeExact(t.input(x), t);
                return t.gradient(r, 1)[0];
            } catch (Throwable e) {
                throw Gradients.<RuntimeException>rethrow(e);
            } finally {
                t.close();
            }
        };
    }

    /**
     * Returns {@code x} unchanged, but as a constant: no derivative flows through it (JAX's stop_gradient,
     * PyTorch's detach).
     */
    public static double stopGradient(double x) {
        return x;
    }

    private record ReverseGradient(MethodHandle twin) implements Gradient {
        @Override
        public double[] at(double... x) {
            return valueAndGradient(x).gradient();
        }

        @Override
        public ValueAndGradient valueAndGradient(double... x) {
            Tape t = Tape.open();
            try {
                double[] xs = x.clone();
                Ops.seed(xs, t);
                long r = (long) twin.invokeExact(xs, t);
                double value = t.primal(r);
                return new ValueAndGradient(value, t.gradient(r, xs.length));
            } catch (Throwable e) {
                throw Gradients.<RuntimeException>rethrow(e);
            } finally {
                t.close();
            }
        }
    }

    /** Rethrows any throwable unchanged (checked ones included), so the caller sees what the function threw. */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> E rethrow(Throwable e) throws E {
        throw (E) e;
    }
}
