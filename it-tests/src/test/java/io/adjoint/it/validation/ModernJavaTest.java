package io.adjoint.it.validation;

import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;

/** Enums, switch expressions, patterns, sealed interfaces, varargs; calls through reflection. */
class ModernJavaTest {

    @Test
    void enumsWithConstantSpecificBodiesAndSwitchExpressions() {
        double[] x = {0.6, -1.1};
        double h = Math.hypot(x[0], x[1]);
        V.gradient("enums", ModernJavaTarget::enums, x,
                new double[] {1 + 0.5 * x[1] + 2 * x[0] / h, 1 + 0.5 * x[0] + 2 * x[1] / h}, ANALYTIC);
    }

    @Test
    void switchOnStrings() {
        double[] x = {0.6, -1.1};
        V.gradient("string switch", ModernJavaTarget::strings, x, new double[] {2 + Math.cos(x[0]), 2 * x[1]},
                ANALYTIC);
    }

    @Test
    void sealedRecordsPatternsAndVarargs() {
        double[] x = {0.6, -1.1, 2.5};
        V.gradient("patterns", ModernJavaTarget::patterns, x,
                new double[] {2 * Math.PI * x[0] + 2 * x[0], x[2], x[1]}, ANALYTIC);
    }

    /**
     * BUG (silent wrong gradient): Method.invoke(Object, Object...) mentions no double, so twin code calls it plainly;
     * the JDK unboxes the active Double, and the entered twin of square gets a passive argument (no frame carries
     * the slot); the result is boxed by the JDK without a slot. Input 1.5: expected 3.0 or
     * NotDifferentiableException; actual 0.0, silently.
     */
    @Test
    void reflectiveMethodCall() {
        V.gradient("Method.invoke", ReflectionTarget::invokeUnchecked, new double[] {1.5}, new double[] {3.0},
                ANALYTIC);
    }

    /**
     * BUG (silent wrong gradient): Constructor.newInstance runs the constructor's original body (no frame names it),
     * so the field holds a constant. Input 1.5: expected 3.0 or NotDifferentiableException; actual 0.0, silently.
     */
    @Test
    void reflectiveConstructorCall() {
        V.gradient("Constructor.newInstance", ReflectionTarget::constructUnchecked, new double[] {1.5},
                new double[] {3.0}, ANALYTIC);
    }
}
