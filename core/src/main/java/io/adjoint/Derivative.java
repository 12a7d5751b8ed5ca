package io.adjoint;

/** The derivative of a {@link UnivariateFunction}. Reusable and thread-safe. */
public interface Derivative {
    double at(double x);
}
