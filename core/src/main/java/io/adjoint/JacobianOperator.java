package io.adjoint;

/**
 * The Jacobian of a {@link VectorFunction} at one point, as a linear operator, exact, from one recording of the
 * function at x ({@link Gradients#jacobianAt}): {@code J v} by a tangent sweep, {@code J^T u} by an adjoint sweep,
 * neither evaluating f again nor forming J. What Gauss-Newton and Levenberg-Marquardt solvers with an iterative
 * inner solve (CGLS, LSQR) ask for, many products at the same point (JAX's {@code linearize} and {@code vjp}).
 *
 * <p>It holds the recording (about 33 bytes per recorded operation) until it is dropped. Calls from several threads
 * are serialized: they share the sweeps' work arrays.
 */
public interface JacobianOperator {
    /** The number of inputs n. */
    int inputs();

    /** The number of outputs m. */
    int outputs();

    /** f(x) (a new array each call). */
    double[] value();

    /** J(x) v, of length m; {@code v} has length n and is not modified. */
    double[] times(double[] v);

    /** J(x)^T u (the vector-Jacobian product u^T J), of length n; {@code u} has length m and is not modified. */
    double[] transposeTimes(double[] u);

    /**
     * The whole m x n Jacobian from the same recording (what {@link Gradients#jacobian(VectorFunction)} computes,
     * without evaluating f again): tangent sweeps over the columns when n &lt;= m, else adjoint sweeps over the rows.
     */
    double[][] matrix();
}
