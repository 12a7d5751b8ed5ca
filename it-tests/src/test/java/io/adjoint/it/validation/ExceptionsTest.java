package io.adjoint.it.validation;

import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;

/** Exceptions thrown and caught inside the function, finally blocks, synchronized code. */
class ExceptionsTest {

    @Test
    void exceptionCarryingAnActiveValueCaughtInside() {
        double[] x = {0.5, 2.0, -3.0, 1.5};
        V.gradient("caught", ExceptionsTarget::caught, x, new double[] {1.0, 0.5, -6.0, 0.5}, ANALYTIC);
    }

    @Test
    void jvmExceptionCaughtAndFinallyBlocks() {
        double[] x = {0.5, 2.0, -3.0};
        int n = x.length;
        V.gradient("finally", ExceptionsTarget::finallyBlocks, x,
                new double[] {4 * x[0] + 2 * n + 1, 4 * x[1], 4 * x[2]}, ANALYTIC);
    }

    @Test
    void finallyOnTheWayOutOfAReturn() {
        double[] x = {0.8, -1.5};
        V.gradient("finally on return", ExceptionsTarget::finallyOnReturn, x,
                new double[] {3 + 2 * x[0] * x[1], x[0] * x[0]}, ANALYTIC);
    }

    @Test
    void synchronizedBlocksAndMethods() {
        double[] x = {0.8, -1.5, 0.25};
        V.gradient("synchronized", new ExceptionsTarget()::synchronizedSum, x,
                new double[] {2 * x[0] + 2, 2 * x[1], 2 * x[2]}, ANALYTIC);
    }
}
