package io.adjoint;

/**
 * The Hessian of a {@link ScalarFunction}: {@code H[i][j] = d2 f / dx_i dx_j}, exact (forward-over-reverse,
 * no finite differences). Reusable and thread-safe: each call uses the calling thread's tape.
 */
@FunctionalInterface
public interface Hessian {
    /** The n x n symmetric Hessian at {@code x}; {@code x} is not modified. */
    double[][] at(double... x);
}
