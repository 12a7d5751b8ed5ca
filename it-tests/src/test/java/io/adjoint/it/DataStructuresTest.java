package io.adjoint.it;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.adjoint.it.Check.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Objects and arrays holding active values passing through JDK collections, inheritance and nesting. */
class DataStructuresTest {

    static class Particle {
        double position;
        double velocity;

        double energy() {
            return 0.5 * velocity * velocity + potential();
        }

        double potential() {
            return position * position;
        }
    }

    static final class Charged extends Particle {
        double charge = 2;

        @Override
        double potential() {
            return charge * super.potential() + position; // reads the inherited field through super
        }
    }

    /** Objects created inside, with active fields, stored in and fetched from a List and a Map. */
    static double collections(double[] x) {
        List<Particle> particles = new ArrayList<>();
        Map<String, double[]> named = new HashMap<>();
        for (int i = 0; i + 1 < x.length; i += 2) {
            Particle p = i % 4 == 0 ? new Particle() : new Charged();
            p.position = x[i];
            p.velocity = x[i + 1];
            particles.add(p);
            named.put("p" + i, new double[] {x[i] * x[i + 1]});
        }
        double e = 0;
        for (Particle p : particles) {
            e += p.energy();
        }
        for (double[] v : named.values()) {
            e += v[0];
        }
        return e;
    }

    private double offset = 0.25;

    final class Inner {
        double shifted(double x) {
            return x + offset; // the outer instance's private field, from a nestmate
        }
    }

    @Test
    void objectsAndArraysThroughCollections() {
        double[] x = {0.5, -1.0, 1.5, 2.0, -0.75, 0.25};
        double[] expected = new double[x.length];
        for (int i = 0; i + 1 < x.length; i += 2) {
            boolean charged = i % 4 != 0;
            expected[i] = (charged ? 2 * 2 * x[i] + 1 : 2 * x[i]) + x[i + 1];
            expected[i + 1] = x[i + 1] + x[i];
        }
        Check.gradient(expected, Gradients.of(DataStructuresTest::collections).at(x), ANALYTIC, "collections");
    }

    @Test
    void innerClassReadingTheOuterPrivateField() {
        Inner inner = new Inner();
        Gradient g = Gradients.of(x -> inner.shifted(x[0]) * x[1]);
        Check.gradient(new double[] {3.0, 2.0 + 0.25}, g.at(2.0, 3.0), ANALYTIC, "inner");
    }

    /** Bits of an active value taken out and put back: the derivative would silently be lost. */
    @Test
    void bitTricksOnAnActiveValueAreRefused() {
        Gradient fastAbs = Gradients.of(x -> Double.longBitsToDouble(Double.doubleToRawLongBits(x[0]) & Long.MAX_VALUE));
        NotDifferentiableException e = assertThrows(NotDifferentiableException.class, () -> fastAbs.at(-2.0));
        assertTrue(e.getMessage().contains("Double.longBitsToDouble"), e.getMessage());
        assertTrue(e.getMessage().contains("DataStructuresTest.java:"), "names the caller's line: " + e.getMessage());
        Gradient viaBits = Gradients.of(x -> Double.longBitsToDouble(Double.doubleToLongBits(x[0])) * 2);
        assertThrows(NotDifferentiableException.class, () -> viaBits.at(1.0));
    }
}
