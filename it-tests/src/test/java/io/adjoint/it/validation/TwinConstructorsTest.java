package io.adjoint.it.validation;

import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import static io.adjoint.it.validation.V.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twin constructors (agent ConstructorBranches.twinConstructor): objects made by differentiated code, of the caller's
 * nest or another, are made by a private synthetic constructor, so the constructor's twin branch stays cold in the application's
 * compiled code (escape analysis keeps working after the first gradient). Gradients checked by hand-derived formulas.
 */
class TwinConstructorsTest {
    private static final MethodType PLAIN = MethodType.methodType(void.class, double.class, double.class);
    private static final MethodType TWIN = PLAIN.appendParameterTypes(io.adjoint.internal.Entry.Frame.class);

    /** With -javaagent every class of the application is transformed at load (self-attach: only those loaded after). */
    private static boolean loadedWithAgent() {
        return "javaagent".equals(System.getProperty("adjoint.it.mode"));
    }

    @Test
    void objectsOfTheCallersNestAreMadeByTheTwinConstructor() {
        double[] x = {0.5, 1.0, 2.0, -1.0, 0.5, 3.0, -2.0};
        // e = s^2 sum_{i<j} |p_i - p_j|^2: de/ds = 2 s S, de/dp_i = s^2 sum_{j != i} 2 (p_i - p_j)
        double s = x[0];
        int n = 3;
        double sum = 0;
        double[] expected = new double[x.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i == j) {
                    continue;
                }
                for (int c = 0; c < 2; c++) {
                    double d = x[2 * i + 1 + c] - x[2 * j + 1 + c];
                    expected[2 * i + 1 + c] += s * s * 2 * d;
                    if (i < j) {
                        sum += d * d;
                    }
                }
            }
        }
        expected[0] = 2 * s * sum;
        V.gradient("pairs", TwinConstructorsTarget::pairs, x, expected, ANALYTIC);

        TwinConstructorsTarget.CONSTRUCTED.clear();
        new TwinConstructorsTarget.Vec(1, 2);
        assertEquals(List.of(PLAIN), TwinConstructorsTarget.CONSTRUCTED, "plain Java runs the constructor itself");
        TwinConstructorsTarget.CONSTRUCTED.clear();
        Gradients.of(TwinConstructorsTarget::pairs).at(x);
        assertEquals(3 + 3 * 2, TwinConstructorsTarget.CONSTRUCTED.size(), "3 points, 2 vectors per pair");
        if (loadedWithAgent()) {
            for (MethodType t : TwinConstructorsTarget.CONSTRUCTED) {
                assertEquals(TWIN, t, "made by the twin constructor while recording");
            }
        }
    }

    @Test
    void theTwinConstructorIsPrivateAndSynthetic() {
        Gradients.of(TwinConstructorsTarget::pairs).at(0.5, 1, 2, 3, 4); // self-attach: attached before loading
        Constructor<?>[] all = TwinConstructorsTarget.Vec.class.getDeclaredConstructors();
        assertEquals(0, TwinConstructorsTarget.Vec.class.getConstructors().length, "no public constructor appears");
        for (Constructor<?> c : all) {
            if (c.getParameterCount() == 2) {
                assertTrue(!c.isSynthetic(), c.toString());
            } else {
                assertTrue(c.isSynthetic() && Modifier.isPrivate(c.getModifiers()), c.toString());
            }
        }
        assertEquals(loadedWithAgent() ? 2 : all.length, all.length, Arrays.toString(all));
    }

    @Test
    void objectsOfAnotherNestToo() {
        double[] x = {0.7, -1.3};
        // b = (x0 + x1, x1 + x0^2): f = (x0 + x1)(x1 + x0^2)
        double u = x[0] + x[1], v = x[1] + x[0] * x[0];
        V.gradient("otherNest", TwinConstructorsTarget::otherNest, x, new double[] {v + u * 2 * x[0], v + u}, ANALYTIC);
        TwinConstructorsTarget.CONSTRUCTED.clear();
        Gradients.of(TwinConstructorsTarget::otherNest).at(x);
        if (loadedWithAgent()) {
            // two objects made by TwinConstructorsTarget (another nest), the last by TwinConstructorsOther's own plus()
            assertEquals(List.of(TWIN, TWIN, TWIN), TwinConstructorsTarget.CONSTRUCTED);
        }
    }

    /** super(...) keeps invokespecial: the super constructor's twin branch takes the slots. */
    @Test
    void superConstructorsThroughTheirTwinBranch() {
        double[] x = {1.5, 0.4, -0.8};
        // f = (s u)(s v) + s
        double s = x[0], u = x[1], v = x[2];
        V.gradient("superCall", TwinConstructorsTarget::superCall, x,
                new double[] {2 * s * u * v + 1, s * s * v, s * s * u}, ANALYTIC);
        TwinConstructorsTarget.CONSTRUCTED.clear();
        Gradients.of(TwinConstructorsTarget::superCall).at(x);
        if (loadedWithAgent()) { // TwinConstructorsOther's constructor as super(...), then Scaled's twin constructor
            MethodType scaledTwin = MethodType.methodType(void.class, double.class, double.class, double.class,
                    io.adjoint.internal.Entry.Frame.class);
            assertEquals(List.of(PLAIN, scaledTwin), TwinConstructorsTarget.CONSTRUCTED);
        }
    }

    @Test
    void aConstructorThatThrowsLeavesTheNextGradientRight() {
        assertThrows(IllegalArgumentException.class, () -> Gradients.of(TwinConstructorsTarget::checked).at(-1.0, 2.0));
        double[] x = {0.8, 1.5};
        // f = sqrt(2 sqrt(x0)) x1
        double r = Math.sqrt(2 * Math.sqrt(x[0]));
        double dr = 0.5 / r * 2 * 0.5 / Math.sqrt(x[0]);
        V.gradient("checked", TwinConstructorsTarget::checked, x, new double[] {dr * x[1], r}, ANALYTIC);
    }
}
