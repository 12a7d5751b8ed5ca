package io.adjoint.it.validation;

import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;

/** Dispatch, super calls, private methods, nested classes, generics, method references, recursion. */
class ClassesTest {

    @Test
    void interfaceAndVirtualDispatchOverSeveralImplementations() {
        double s = 0.8, t = 1.3, r = 0.6, k = 1.7, q = Math.sqrt(3) / 4;
        V.gradient("three shapes", DispatchTarget::total, new double[] {s, t, r, k},
                new double[] {2 * k * s, 2 * k * q * t, 2 * k * Math.PI * r + 1, s * s + q * t * t + Math.PI * r * r},
                ANALYTIC);
    }

    @Test
    void defaultMethodsCallingAbstractOnes() {
        double r = 0.9, s = 1.4, t = 2.1;
        V.gradient("ratios", DispatchTarget::ratios, new double[] {r, s, t},
                new double[] {-2 / (r * r), -4 / (s * s), -12 / (Math.sqrt(3) * t * t)}, ANALYTIC);
    }

    @Test
    void superCallsThroughTwoLevels() {
        double x = 0.7;
        V.derivative("super chain", v -> SuperTarget.chain(new double[] {v}), x,
                6 * x * x + 2 * Math.sin(x) + 2 * x * Math.cos(x) + 1, ANALYTIC);
    }

    /** A class whose other methods call super.toString() / super.hashCode() of java.lang.Object. */
    @Test
    void classWithSuperCallsIntoTheJdk() {
        V.gradient("Object super calls", SuperTarget::objectSuper, new double[] {1.25}, new double[] {6 * 1.25},
                ANALYTIC);
    }

    /** A nested subclass of ArrayList calling super.add / super.get with boxed active values. */
    @Test
    void superCallsIntoAJdkSuperclassFromANestedClass() {
        double[] x = {0.5, -1.5, 2.0};
        V.gradient("ArrayList subclass", SuperTarget::history, x, new double[] {4 * x[0], 4 * x[1], 4 * x[2]},
                ANALYTIC);
    }

    @Test
    void privateMethods() {
        double[] x = {0.3, -0.6};
        V.gradient("private", new PrivateTarget()::run, x,
                new double[] {3 * (x[0] + 0.5) * (x[0] + 0.5), 3 + Math.exp(x[1])}, ANALYTIC);
    }

    @Test
    void nestedInnerAnonymousAndLocalClasses() {
        double[] x = {0.5, 1.5, -2.0};
        V.gradient("nested classes", new NestedClassesTarget()::run, x,
                new double[] {2 * x[0] + 3 + x[1], x[2] + x[0], x[1]}, ANALYTIC);
    }

    @Test
    void anonymousClassCapturingAnActiveLocal() {
        double[] x = {0.5, 1.5, -2.0, 0.25};
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = x[0] * x[1];
        }
        expected[0] += x[1] * sum;
        expected[1] += x[0] * sum;
        V.gradient("anonymous capture", NestedClassesTarget::anonymousCapture, x, expected, ANALYTIC);
    }

    @Test
    void genericCodeAndBridgeMethods() {
        double[] x = {0.5, -1.5, 2.0};
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = 8 * x[i];
        }
        expected[0] += x[1] + 3;
        expected[1] += x[0];
        V.gradient("generics", GenericsTarget::run, x, expected, ANALYTIC);
    }

    @Test
    void methodReferencesToApplicationMethods() {
        double[] x = {0.5, -1.5};
        V.gradient("application method refs", MethodRefsTarget::applicationRefs, x,
                new double[] {2 * x[0] + x[1], x[0] + 1}, ANALYTIC);
    }

    /** The lambda proxy calls the constructor itself, uninstrumented: refused, not a constant k. */
    @Test
    void constructorReferenceIsLoud() {
        V.loud("constructor ref", MethodRefsTarget::constructorRef, new double[] {0.5, -1.5},
                ".apply(D)Ljava/lang/Object;", "MethodRefsTarget.java", "constructorRef");
    }

    /**
     * A reference to a JDK method with a rule: the proxy calls Math.sin itself, uninstrumented, but the linker
     * remembered the proxy class with the rule when twin code created it, so the call applies the rule: exact,
     * like the same functions in lambdas of the application.
     */
    @Test
    void methodReferencesToMathAndLambdasAreExact() {
        double[] x = {0.5, 1.5};
        V.gradient("Math::sin", MethodRefsTarget::mathRef, x, new double[] {Math.cos(x[0]), 0}, ANALYTIC);
        double h = Math.hypot(x[0], x[1]);
        V.gradient("Math::hypot", MethodRefsTarget::mathRef2, x, new double[] {x[0] / h, x[1] / h}, ANALYTIC);
        V.gradient("Math in lambdas", MethodRefsTarget::mathLambdas, x,
                new double[] {Math.cos(x[0]) + x[0] / h, x[1] / h}, ANALYTIC);
    }

    /**
     * The function handed to the API is itself a method with a rule: the rule is used. (Only Gradients.derivative
     * takes such a reference directly; wrapped in a lambda the proxy would be in the way, as above.)
     */
    @Test
    void functionThatIsARuleBackedMethod() {
        V.close(Math.cos(0.3), Gradients.derivative(Math::sin).at(0.3), ANALYTIC, 0, "Math::sin");
        V.close(Math.exp(0.3), Gradients.derivative(StrictMath::exp).at(0.3), ANALYTIC, 0, "StrictMath::exp");
    }

    @Test
    void recursionThroughAnExpressionTree() {
        double[] x = {0.7, -1.2};
        double c = Math.cos(x[0] * x[1]);
        V.gradient("tree built before", RecursionTarget::tree, x,
                new double[] {x[1] * c + 2, x[0] * c + 3 * x[1] * x[1]}, ANALYTIC);
        double[] y = {0.7, -1.2, 0.4};
        V.gradient("tree built inside", RecursionTarget::treeBuiltInside, y,
                new double[] {y[1] * (y[0] + y[2]) + y[0] * y[1], y[0] * (y[0] + y[2]), y[0] * y[1]}, ANALYTIC);
    }

    @Test
    void recursionThroughALinkedList() {
        double[] x = {0.6, -1.0, 2.0, 0.5, 1.5};
        double w = x[0], dp = 0;
        double[] expected = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            expected[k] = Math.pow(w, k);
            if (k > 0) {
                dp += k * x[k] * Math.pow(w, k - 1);
            }
        }
        expected[0] += dp;
        V.gradient("linked list", RecursionTarget::polynomial, x, expected, ANALYTIC);
    }
}
