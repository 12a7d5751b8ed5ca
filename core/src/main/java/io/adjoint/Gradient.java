package io.adjoint;

/** The gradient of a {@link ScalarFunction}. Reusable and thread-safe: each call uses the calling thread's tape. */
public interface Gradient {
    /** The gradient at {@code x}; {@code x} is not modified. */
    double[] at(double... x);

    /** The value and the gradient at {@code x} from one evaluation. */
    ValueAndGradient valueAndGradient(double... x);

    /**
     * The value at {@code x}, with the gradient written into {@code gradient} (of the same length), from one
     * evaluation: the signature optimizers take ({@code double f(double[] x, double[] g)}, L-BFGS and friends),
     * and no new array per call for the gradient. {@code x} is not modified; {@code x} and {@code gradient} may
     * be the same array (its values are read before the gradient is written).
     */
    default double valueAndGradientInto(double[] x, double[] gradient) {
        if (gradient.length != x.length) {
            throw new IllegalArgumentException("gradient has length " + gradient.length + ", x has " + x.length);
        }
        ValueAndGradient vg = valueAndGradient(x);
        System.arraycopy(vg.gradient(), 0, gradient, 0, x.length);
        return vg.value();
    }
}
