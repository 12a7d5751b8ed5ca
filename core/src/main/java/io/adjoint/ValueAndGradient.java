package io.adjoint;

/** A function's value and its gradient at one point. */
public record ValueAndGradient(double value, double[] gradient) {
}
