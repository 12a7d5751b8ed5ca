package io.adjoint;

/**
 * The Jacobian of a {@link VectorFunction}: {@code J[r][i] = d f_r / d x_i}. Reusable and thread-safe:
 * each call uses the calling thread's tape.
 */
@FunctionalInterface
public interface Jacobian {
    /** The m x n Jacobian at {@code x} (m outputs, n inputs); {@code x} is not modified. */
    double[][] at(double... x);
}
