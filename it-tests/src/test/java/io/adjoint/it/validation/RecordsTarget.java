package io.adjoint.it.validation;

import java.util.Objects;

/** Records: canonical and compact constructors, accessors, static factories, records in records, equals. */
final class RecordsTarget {
    record Point(double x, double y) {
        double norm() {
            return Math.hypot(x, y);
        }

        Point plus(Point o) {
            return new Point(x + o.x(), y + o.y());
        }

        static Point of(double[] a, int i) {
            return new Point(a[i], a[i + 1]);
        }
    }

    /** A compact constructor that normalises its components before they are assigned. */
    record Unit(double x, double y) {
        Unit {
            double n = Math.hypot(x, y);
            x /= n;
            y /= n;
        }
    }

    record Segment(Point from, Point to) {
        double length() {
            return new Point(to.x() - from.x(), to.y() - from.y()).norm();
        }
    }

    /** A record with an array component and a passive label. */
    record Weighted(double[] weights, String label) {
        double dot(double[] v) {
            double s = 0;
            for (int i = 0; i < v.length; i++) {
                s += weights[i] * v[i];
            }
            return s;
        }
    }

    /** Segment length from (x0, x1) to (x2, x3): gradient (-d/L, d/L). */
    static double segment(double[] x) {
        Segment s = new Segment(Point.of(x, 0), Point.of(x, 2));
        return s.length();
    }

    /** Unit vector's x component times x2: f = x0 / hypot(x0, x1) * x2. */
    static double unit(double[] x) {
        Unit u = new Unit(x[0], x[1]);
        return u.x() * x[2];
    }

    /** Records compared and hashed (passive uses of active components) while summing. */
    static double equalsAndHash(double[] x) {
        Point a = new Point(x[0], x[1]);
        Point b = a.plus(new Point(0, 0));
        double s = a.x() * b.y();
        if (a.equals(b) && Objects.hash(a) == b.hashCode() && a.toString().startsWith("Point[")) {
            s += 1;
        }
        return s;
    }

    /** Weights inside the record are active: f = sum w_i v_i with w = (x0, x1), v = (x1, x2). */
    static double weighted(double[] x) {
        Weighted w = new Weighted(new double[] {x[0], x[1]}, "w");
        return w.dot(new double[] {x[1], x[2]});
    }
}
