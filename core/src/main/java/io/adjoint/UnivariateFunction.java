package io.adjoint;

/** A real-valued function of one real variable. */
@FunctionalInterface
public interface UnivariateFunction extends java.io.Serializable {
    double apply(double x);
}
