package io.adjoint;

/** A vector-valued function of a vector. */
@FunctionalInterface
public interface VectorFunction extends java.io.Serializable {
    double[] apply(double[] x);
}
