package io.adjoint.it.validation;

/**
 * A class the agent is told not to instrument (-Dadjoint.exclude=io.adjoint.it.validation.ExcludedLib in
 * it-tests/pom.xml): to Adjoint its methods are as opaque as native code.
 */
final class ExcludedLib {
    private ExcludedLib() {
    }

    static void overwriteFirst(double[] a) {
        a[0] = 42;
    }

    /** The same through a static field: the array is not an argument of the call. */
    static void overwriteFirstOfKept() {
        ArraysTarget.kept[0] = 42;
    }

    /** A nested recording started by code Adjoint does not instrument. */
    static double firstOfGradient(io.adjoint.Gradient g, double a, double b) {
        return g.at(a, b)[0];
    }

    static void scramble(FieldShadowsTarget.Point p) {
        p.x = 42;
    }

    static void reset(ObjectsTarget.Particle p) {
        p.velocity = 7;
    }

    /** A smooth function Adjoint cannot see into: log(1 + e^x), the softplus. */
    static double softplus(double x) {
        return Math.log1p(Math.exp(x));
    }

    /** Another one, left without a rule: calling it with an active value must be refused. */
    static double logistic(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Two arguments: x * y + sin(x). */
    static double mix(double x, double y) {
        return x * y + Math.sin(x);
    }
}
