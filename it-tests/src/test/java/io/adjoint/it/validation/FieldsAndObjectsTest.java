package io.adjoint.it.validation;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fields, final fields set in constructors, objects created inside and before, records, arrays in fields. */
class FieldsAndObjectsTest {

    @Test
    void instanceAndStaticFields() {
        FieldsTarget t = new FieldsTarget();
        double c = FieldsTarget.scale, w = t.weight;
        double[] x = {0.7, -1.3};
        V.gradient("fields", t::run, x,
                new double[] {c * w + 2 * x[0] * x[1], x[0] * x[0] + 3 * x[1] * x[1]}, ANALYTIC);
        assertEquals(x[1], FieldsTarget.factor, "the primal field holds the primal value after the recording");
    }

    /** An active value left in a field by one recording is a constant in the next. */
    @Test
    void fieldValueLeftByAnEarlierRecording() {
        FieldsTarget.memo = 1.5;
        Gradient g = Gradients.of(FieldsTarget::remember);
        double[] first = g.at(2.0);
        assertEquals(1.5, first[0]);
        assertEquals(2.0, FieldsTarget.memo);
        assertEquals(2.0, g.valueAndGradient(3.0).gradient()[0]);
        assertEquals(3.0, Gradients.forward(FieldsTarget::remember).at(5.0)[0]);
    }

    @Test
    void fieldsThroughAccessorsAndCompoundAssignment() {
        double[] x = {0.4, 1.1};
        double s = (x[0] + x[1]) / 2;
        V.gradient("accessors", FieldsTarget::viaAccessors, x, new double[] {s, s}, ANALYTIC);
    }

    @Test
    void finalFieldsSetInConstructorsObjectCreatedBefore() {
        double[] x = {0.3, 1.7, -2.2};
        ObjectsTarget.Vec3 o = ObjectsTarget.ORIGIN;
        V.gradient("distance to origin", ObjectsTarget::distanceSquaredToOrigin, x,
                new double[] {2 * (x[0] - o.x), 2 * (x[1] - o.y), 2 * (x[2] - o.z)}, ANALYTIC);
    }

    @Test
    void objectsCreatedInsideCrossProduct() {
        V.gradientFd("triangle area", ObjectsTarget::triangleArea,
                new double[] {0.1, 0.2, -0.3, 1.4, 0.1, 0.5, -0.2, 1.1, 0.9});
        // a hand formula for a triangle in the plane z = 0: |(b-a) x (c-a)| = |det|, so d/dc = (-(b-a).y, (b-a).x)
        double[] x = {0, 0, 0, 2, 0, 0, 0.5, 1.5, 0};
        double[] g = Gradients.of(ObjectsTarget::triangleArea).at(x);
        V.close(0.0, g[6], ANALYTIC, 0, "d/dc.x");
        V.close(2.0, g[7], ANALYTIC, 0, "d/dc.y");
    }

    @Test
    void delegatingConstructorComputingBeforeAssigning() {
        double r = 1.3, t = 0.4;
        V.gradient("polar", ObjectsTarget::polar, new double[] {r, t},
                new double[] {Math.cos(t) + 2 * Math.sin(t), -r * Math.sin(t) + 2 * r * Math.cos(t)}, ANALYTIC);
    }

    @Test
    void mutableObjectCreatedBeforeWrittenInside() {
        double[] x = {0.5, -2.0};
        double p = x[0] + 0.1 * x[1];
        V.gradient("particle", ObjectsTarget::step, x, new double[] {2 * p, 0.2 * p}, ANALYTIC);
    }

    @Test
    void objectCreatedInsideFromOneCreatedBefore() {
        ObjectsTarget.Vec3 o = ObjectsTarget.ORIGIN;
        double n2 = o.dot(o), k = 0.8;
        V.gradient("scaled origin", ObjectsTarget::scaledOrigin, new double[] {k}, new double[] {2 * k * n2}, ANALYTIC);
    }

    @Test
    void records() {
        double[] x = {0.5, -1.0, 2.0, 1.5};
        double d0 = x[2] - x[0], d1 = x[3] - x[1], len = Math.hypot(d0, d1);
        V.gradient("segment", RecordsTarget::segment, x, new double[] {-d0 / len, -d1 / len, d0 / len, d1 / len},
                ANALYTIC);
        double[] y = {0.6, -0.8, 2.5};
        double h = Math.hypot(y[0], y[1]), h3 = h * h * h;
        V.gradient("compact constructor", RecordsTarget::unit, y,
                new double[] {y[2] * y[1] * y[1] / h3, -y[0] * y[1] * y[2] / h3, y[0] / h}, ANALYTIC);
        V.gradient("equals and hashCode", RecordsTarget::equalsAndHash, x, new double[] {x[1], x[0], 0, 0}, ANALYTIC);
        double[] z = {1.5, 2.5, -0.5};
        V.gradient("array component", RecordsTarget::weighted, z, new double[] {z[1], z[0] + z[2], z[1]}, ANALYTIC);
    }

    @Test
    void arraysInFields() {
        ArrayFieldsTarget t = new ArrayFieldsTarget();
        double[] x = {0.7, -0.4, 1.2};
        double[] c = t.coefficients;
        double[][] m = t.matrix;
        double[] expected = new double[3];
        for (int k = 0; k < 3; k++) {
            expected[k] = 2 * c[k] * x[k];
        }
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 2; j++) {
                expected[k] += (m[k][j] + m[j][k]) * x[j];
            }
        }
        V.gradient("array fields", t::run, x, expected, ANALYTIC);
    }
}
