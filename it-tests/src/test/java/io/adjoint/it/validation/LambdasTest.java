package io.adjoint.it.validation;

import io.adjoint.ScalarFunction;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

import static io.adjoint.it.validation.V.ANALYTIC;

/** Lambdas created inside and outside the function, capturing active and passive values. */
class LambdasTest {

    /**
     * d/da simpson(t -> exp(-a t^2)) = simpson(t -> -t^2 exp(-a t^2)): Simpson's rule is linear in the integrand,
     * so differentiating the discretisation gives the discretisation of the derivative, exact up to rounding.
     */
    @Test
    void lambdaCapturingAnActiveDouble() {
        for (double a : new double[] {0.1, 1.0, 3.5}) {
            double expected = LambdasTarget.simpson(t -> -t * t * Math.exp(-a * t * t), 0, 1, 100);
            V.gradient("simpson a = " + a, LambdasTarget::gaussianIntegral, new double[] {a},
                    new double[] {expected}, ANALYTIC);
        }
    }

    /** Active bounds move the nodes: the reference is the finite difference of the same discretisation. */
    @Test
    void lambdaCapturingAnActiveDoubleWithActiveBounds() {
        V.gradientFd("simpson with bounds", LambdasTarget::integralWithActiveBounds, new double[] {0.8, -0.3, 1.2});
    }

    @Test
    void lambdasCreatedInsideAndCalledThere() {
        double[] x = {1.3, -0.4};
        V.gradient("created inside", LambdasTarget::createdInside, x, new double[] {2 * x[0], 3}, ANALYTIC);
    }

    /**
     * A lambda returning an object (here another lambda) through a JDK functional interface: the object comes
     * back through the uninstrumented proxy, which Adjoint cannot vouch for: refused.
     */
    @Test
    void lambdaReturningALambdaIsLoud() {
        V.loud("curried", LambdasTarget::curried, new double[] {1.3, -0.4, 2.0}, ".apply(D)Ljava/lang/Object;",
                "LambdasTarget.java", "curried");
    }

    @Test
    void javaUtilFunctionInterfaces() {
        double[] x = {0.6, -0.9};
        V.gradient("java.util.function", LambdasTarget::functionalInterfaces, x, new double[] {
                2 * x[0] + x[1] + Math.cos(x[0]) * x[1] + 2,
                x[0] + Math.exp(x[1]) + Math.sin(x[0]) + 3 * x[1] * x[1]}, ANALYTIC);
    }

    /** DoubleUnaryOperator.andThen/compose are JDK code chaining the lambdas uninstrumented: refused. */
    @Test
    void compositionThroughJdkDefaultMethodsIsLoud() {
        V.loud("andThen/compose", LambdasTarget::composed, new double[] {0.45},
                "java.util.function.DoubleUnaryOperator$$Lambda", "LambdasTarget.java", "composed");
    }

    @Test
    void lambdaCreatedBeforeTheGradientCall() {
        double three = 3;
        DoubleUnaryOperator g = t -> three * t * t;
        double warmUp = g.applyAsDouble(2.0); // used as plain Java first
        double[] x = {0.8, -1.5};
        ScalarFunction f = v -> LambdasTarget.callBefore(g, v) + warmUp * 0;
        V.gradient("created before", f, x, new double[] {6 * x[0] * x[1], 3 * x[0] * x[0]}, ANALYTIC);
    }

    /** A function object that is itself a lambda stored in a static field long before. */
    static final ScalarFunction STORED = x -> Math.log(x[0]) * x[1];

    @Test
    void scalarFunctionStoredInAField() {
        double[] x = {2.5, 0.3};
        V.gradient("stored", STORED, x, new double[] {x[1] / x[0], Math.log(x[0])}, ANALYTIC);
    }

    /**
     * A lambda made in twin code is made by its host class (not by the hidden companion): a serializable one can be
     * serialized and read back, as without Adjoint, and Gradients.of can take one apart.
     */
    @Test
    void lambdasMadeWhileRecordingAreTheHostsOwn() throws Exception {
        double[] x = {1.5};
        V.gradient("serializable lambda", LambdasTarget::keepsASerializableLambda, x, new double[] {6 * x[0]}, ANALYTIC);
        LambdasTarget.SerialOp op = LambdasTarget.madeWhileRecording;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(op);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            DoubleUnaryOperator back = (DoubleUnaryOperator) in.readObject();
            org.junit.jupiter.api.Assertions.assertEquals(12.0, back.applyAsDouble(2.0), "the lambda read back");
        }
        // d/dx (x * g'(0.5)) with g(y) = 3 y^2: g' = 3
        V.gradient("gradient of a lambda made here", LambdasTarget::gradientOfALambdaMadeHere, x, new double[] {3.0},
                ANALYTIC);
    }
}
