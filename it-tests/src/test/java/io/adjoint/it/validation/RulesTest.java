package io.adjoint.it.validation;

import io.adjoint.Gradients;
import io.adjoint.Rules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.geom.Point2D;

import static io.adjoint.it.validation.V.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rules.register for methods Adjoint cannot see into; Gradients.stopGradient. */
class RulesTest {

    @BeforeAll
    static void registerRules() {
        Rules.register(ExcludedLib.class, "softplus", x -> 1 / (1 + Math.exp(-x)));
        Rules.register(ExcludedLib.class, "mix", (args, value) -> new double[] {args[1] + Math.cos(args[0]), args[0]});
        Rules.register(Point2D.class, "distance", (a, d) -> new double[] {
                (a[0] - a[2]) / d, (a[1] - a[3]) / d, (a[2] - a[0]) / d, (a[3] - a[1]) / d});
    }

    @Test
    void ruleForAnExcludedClassesMethod() {
        double[] x = {0.7, -1.2};
        double s = 1 / (1 + Math.exp(-x[0] * x[1]));
        V.gradient("softplus rule", RulesTarget::softplus, x, new double[] {s * x[1], s * x[0]}, ANALYTIC);
        V.gradient("two-argument rule", RulesTarget::mix, x,
                new double[] {x[1] * x[1] + Math.cos(x[0]), 2 * x[0] * x[1]}, ANALYTIC);
    }

    /** The function handed to the API is itself the method with the rule. */
    @Test
    void functionThatIsTheRuleBackedMethod() {
        double x = 0.8;
        V.close(1 / (1 + Math.exp(-x)), Gradients.derivative(ExcludedLib::softplus).at(x), ANALYTIC, 0,
                "ExcludedLib::softplus");
    }

    /** The same class's method without a rule, fed an active value: refused, naming callee and caller line. */
    @Test
    void excludedMethodWithoutARuleIsLoud() {
        V.loud("no rule", RulesTarget::logistic, new double[] {0.5},
                "io.adjoint.it.validation.ExcludedLib.logistic(D)D", "RulesTarget.java", "logistic");
        // with a passive argument the opaque call is fine
        assertEquals(0.0, Gradients.of(x -> ExcludedLib.logistic(1.0) * 0 + 1).at(0.5)[0]);
    }

    @Test
    void ruleForAJdkMethod() {
        double[] x = {0.5, -1.0, 2.0, 1.5};
        double dx = x[2] - x[0], dy = x[3] - x[1], d = Math.hypot(dx, dy);
        V.gradient("Point2D.distance rule", RulesTarget::distance, x,
                new double[] {-dx / d, -dy / d, dx / d, dy / d}, ANALYTIC);
    }

    @Test
    void stopGradient() {
        double[] x = {0.7, -1.2};
        V.gradient("stopGradient", RulesTarget::stopped, x, new double[] {x[1], x[0] * x[1]}, ANALYTIC);
        V.gradient("straight-through", RulesTarget::straightThrough, new double[] {0.45}, new double[] {3}, ANALYTIC);
        assertEquals(Math.rint(3 * 0.45), Gradients.of(RulesTarget::straightThrough).valueAndGradient(0.45).value());
    }
}
