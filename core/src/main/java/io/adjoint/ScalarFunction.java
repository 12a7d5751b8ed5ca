package io.adjoint;

/** A real-valued function of a vector: the thing whose gradient {@link Gradients#of} takes. */
@FunctionalInterface
public interface ScalarFunction extends java.io.Serializable {
    double apply(double[] x);
}
