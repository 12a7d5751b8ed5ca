package io.adjoint;

/** The gradient of a {@link ScalarFunction}. Reusable and thread-safe: each call uses the calling thread's tape. */
public interface Gradient {
    /** The gradient at {@code x}; {@code x} is not modified. */
    double[] at(double... x);

    /** The value and the gradient at {@code x} from one evaluation. */
    ValueAndGradient valueAndGradient(double... x);
}
