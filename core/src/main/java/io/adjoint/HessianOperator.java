package io.adjoint;

/**
 * The Hessian of a {@link ScalarFunction} at one point, as a linear operator: {@code v -> H(x) v}, exact, without
 * forming H, from one recording of the function at x ({@link Gradients#hessianAt}). Each product costs a tangent
 * sweep and one reverse sweep over that recording, not a new evaluation: what Newton-CG and trust-region solvers
 * ask for, many products at the same point (SciPy's {@code hessp}, JAX's {@code linearize} of the gradient).
 *
 * <p>It holds the recording (about 33 bytes per recorded operation and 8 per local second derivative) until it is
 * dropped. Calls from several threads are serialized: they share the sweeps' work arrays.
 */
public interface HessianOperator {
    /** The number of inputs n. */
    int dimension();

    /** f(x). */
    double value();

    /** The gradient of f at x (a new array each call). */
    double[] gradient();

    /** H(x) v, a new array; {@code v} has length n and is not modified. */
    double[] times(double[] v);

    /** H(x) v written into {@code out} (length n, not {@code v}), which it returns. */
    double[] times(double[] v, double[] out);

    /**
     * The whole n x n Hessian at x from the same recording (what {@link Gradients#hessian} computes, without
     * evaluating f again): n / 8 sweeps of 8 directions, for small n or a direct solve.
     */
    double[][] matrix();
}
