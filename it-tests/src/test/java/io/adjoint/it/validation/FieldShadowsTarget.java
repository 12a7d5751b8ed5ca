package io.adjoint.it.validation;

import io.adjoint.Gradient;
import io.adjoint.Gradients;

import java.awt.geom.Point2D;
import java.io.Serializable;

/**
 * Double fields kept in the object's own shadow array (a field the agent adds to classes it transforms at load):
 * objects surviving from one recording to the next, fields overwritten behind Adjoint's back, a field hidden by a
 * subclass's field of the same name, records, threads, nested recordings, and a JDK class (the recording's map).
 */
final class FieldShadowsTarget {
    private FieldShadowsTarget() {
    }

    /** A mutable point; serializable, so that its default serialVersionUID can be checked. */
    static final class Point implements Serializable {
        double x;
        double y;

        Point(double x, double y) {
            this.x = x;
            this.y = y;
        }

        Point scaled(double k) {
            return new Point(k * x, k * y);
        }
    }

    static class Base {
        double v;
        double base;
    }

    /** Hides Base.v with a field of the same name. */
    static final class Derived extends Base {
        double v;
        double w;
    }

    record Pair(double a, double b) {
        double product() {
            return a * b;
        }
    }

    /** An interface may not get the shadow field (interfaces have no instance fields). */
    interface Shape {
        double AREA_UNIT = 1.0;

        double area();
    }

    // ---- objects that outlive their recording --------------------------------------------------

    static Point kept;

    static double build(double[] x) {
        kept = new Point(x[0], x[1]);
        return kept.x * kept.y;
    }

    static double useKept(double[] x) {
        return x[0] * kept.x + kept.y;
    }

    static double rewriteKept(double[] x) {
        kept.x = x[0] * 2;
        return kept.x * kept.y;
    }

    // ---- clones ----------------------------------------------------------------------------------

    static final class Cell implements Cloneable {
        double v;

        Cell copy() {
            try {
                return (Cell) super.clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** f = 5 (2 x0) + (2 x0)(3 x1): the copy starts with the original's derivative, then each goes its own way. */
    static double clones(double[] x) {
        Cell a = new Cell();
        a.v = x[0] * 2;
        Cell b = a.copy();
        double before = b.v * 5;
        b.v = x[1] * 3;
        return before + a.v * b.v;
    }

    // ---- loud ----------------------------------------------------------------------------------

    static double overwritten(double[] x) {
        Point p = new Point(x[0] * 3, x[1]);
        ExcludedLib.scramble(p);
        return p.x * p.y; // LOUD overwritten
    }

    // ---- hierarchy, records, a JDK class ----------------------------------------------------------

    static double hiding(double[] x) {
        Derived d = new Derived();
        ((Base) d).v = x[0];
        d.v = x[1];
        d.w = x[0] * x[1];
        d.base = 3 * x[1]; // a field of Base written through Derived
        return ((Base) d).v * 3 + d.v * 5 + d.w + d.base * d.v;
    }

    static double pairs(double[] x) {
        Pair p = new Pair(x[0] * x[1], x[0] + x[1]);
        Pair q = new Pair(p.b(), p.a());
        return p.product() + q.a() * 2 + (p.equals(new Pair(p.a(), p.b())) ? 1 : 0);
    }

    static double jdkFields(double[] x) {
        Point2D.Double p = new Point2D.Double();
        p.x = x[0] * 2;
        p.y = x[1];
        return p.x * p.y;
    }

    // ---- threads ---------------------------------------------------------------------------------

    static final Point SHARED = new Point(1.5, -0.5);

    /** f = 1.5 x0^3 (x1 - 0.5) + 1.5 x1 over a shared (passive) object and private ones. */
    static double sharedAndPrivate(double[] x) {
        Point p = new Point(x[0] * SHARED.x, x[1] + SHARED.y);
        Point q = p.scaled(x[0]);
        return q.x * q.y / x[0] * x[0] + SHARED.x * x[1];
    }

    // ---- nested recordings -----------------------------------------------------------------------

    static Point outer;

    /**
     * Made outside twin code (a lambda made inside a twin has the companion as its class: not a Gradients target),
     * called from uninstrumented code (ExcludedLib): the nested recording runs inside the outer one.
     */
    static final Gradient INNER = Gradients.of(FieldShadowsTarget::nestedInner);
    static final Gradient INNER_WRITES = Gradients.of(FieldShadowsTarget::nestedInnerWrites);

    static double nestedOuter(double[] x) {
        Point p = new Point(x[0] * 2, x[1]);
        outer = p;
        return p.x * p.y + ExcludedLib.firstOfGradient(INNER, 0.5, 0.25);
    }

    /** 3 y0 y1 + y0 outer.x: outer's object is data here (d/dy0 = 3 y1 + outer.x). */
    static double nestedInner(double[] y) {
        Point q = new Point(y[0] * 3, y[1]);
        return q.x * q.y + y[0] * outer.x;
    }

    /** The inner recording writes p.y (its derivative there is 2); the outer one does not read p.y again. */
    static double nestedInnerWritesOuterObject(double[] x) {
        Point p = new Point(x[0] * 2, x[1]);
        outer = p;
        double before = p.x * p.y;
        return before + ExcludedLib.firstOfGradient(INNER_WRITES, 0.5, 0.0) * x[0];
    }

    /** ... and here it does: p.y was changed by code this recording did not see (the nested one). */
    static double nestedOuterReadsAgain(double[] x) {
        Point p = new Point(x[0] * 2, x[1]);
        outer = p;
        double g = ExcludedLib.firstOfGradient(INNER_WRITES, 0.5, 0.0);
        return g + p.y; // LOUD nestedOuterReadsAgain
    }

    /** Writes an active value into the object whose fields hold the enclosing recording's active values. */
    static double nestedInnerWrites(double[] y) {
        outer.y = y[0] * 2;
        return outer.y;
    }
}
