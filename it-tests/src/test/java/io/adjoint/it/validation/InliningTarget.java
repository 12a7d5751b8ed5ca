package io.adjoint.it.validation;

import java.util.OptionalDouble;

/**
 * Target: small callees inlined into twins and objects replaced by their fields (agent twin/Inlining,
 * ScalarReplacement), and the cases where neither is allowed: an overridable method, an object that escapes on one
 * path, an object still referenced when its allocation runs again. InliningTest checks each against hand-derived
 * gradients or Richardson differences.
 */
final class InliningTarget {
    private InliningTarget() {
    }

    /** An immutable vector in a final class: its methods are inlined, the objects minus makes are replaced. */
    static final class Vec {
        final double x;
        final double y;
        final double z;

        Vec(double x, double y, double z) {
            this.x = x;
            this.y = y;
            this.z = z;
        }

        Vec minus(Vec o) {
            return new Vec(x - o.x, y - o.y, z - o.z);
        }

        double dot(Vec o) {
            return x * o.x + y * o.y + z * o.z;
        }

        /** Does not touch this: only the inlined null check makes a null receiver throw. */
        double twice(double a) {
            return 2 * a;
        }
    }

    /** Lennard-Jones over Vec: pos = {x0, y0, z0, x1, ...}. */
    static double lennardJones(double[] pos) {
        int n = pos.length / 3;
        Vec[] atoms = new Vec[n];
        for (int i = 0; i < n; i++) {
            atoms[i] = new Vec(pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]);
        }
        double e = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                Vec d = atoms[i].minus(atoms[j]);
                double r2 = d.dot(d);
                double s2 = 1 / r2;
                double s6 = s2 * s2 * s2;
                e += 4 * (s6 * s6 - s6);
            }
        }
        return e;
    }

    /** A final method of a non-final class, a private method and a private static one. */
    static class Shape {
        final double k;

        Shape(double k) {
            this.k = k;
        }

        final double scaled(double v) {
            return k * v;
        }

        private double square(double v) {
            return v * v;
        }

        double area(double v) {
            return square(scaled(v));
        }
    }

    /** A subclass overriding nothing final: area is overridable and Shape's version must not be inlined. */
    static final class Circle extends Shape {
        Circle(double k) {
            super(k);
        }

        @Override
        double area(double v) {
            return Math.PI * v * v * v;
        }
    }

    private static double cube(double v) {
        return v * v * v;
    }

    /** f = cube(x0) + Shape(x1).area(x2) = x0^3 + (x1 x2)^2. */
    static double staticPrivateFinal(double[] x) {
        return cube(x[0]) + new Shape(x[1]).area(x[2]);
    }

    /** The same call site of area reaches Circle's override: f = pi x2^3 (x1 only scales a Shape that is not used). */
    static double overridden(double[] x) {
        Shape s = x.length > 10 ? new Shape(x[1]) : new Circle(x[1]);
        return s.area(x[2]);
    }

    /** A callee with a loop and two returns: Horner's sum of x^k, k < n, negated for x < 0. */
    private static double series(double x, int n) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            s = s * x + 1;
        }
        if (x < 0) {
            return -s;
        }
        return s;
    }

    /** A callee with branches and three returns (inlined): |v| squared, or v cubed. */
    private static double branches(double v, boolean cube) {
        if (cube) {
            return v * v * v;
        }
        if (v < 0) {
            return -v * -v;
        }
        return v * v;
    }

    /** f = series(x0, 4) * x1 (a loop: not inlined) + branches(x1, false) + branches(x0, true). */
    static double loops(double[] x) {
        return series(x[0], 4) * x[1] + branches(x[1], false) + branches(x[0], true);
    }

    /** A null receiver of an inlined method that never touches this. */
    static double nullReceiver(double[] x) {
        Vec v = x[0] > 0 ? null : new Vec(x[0], x[1], x[2]);
        return v.twice(x[1]);
    }

    /** A null receiver of an inlined method that reads a field. */
    static double nullReceiverField(double[] x) {
        Vec v = x[0] > 0 ? null : new Vec(x[0], x[1], x[2]);
        return v.dot(v);
    }

    private static double checked(double v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative"); // no concatenation: invokedynamic is never inlined
        }
        return Math.sqrt(v);
    }

    /** An exception thrown inside an inlined callee. */
    static double throwing(double[] x) {
        return checked(x[0]) * x[1];
    }

    private static double opaqueCallee(double v) {
        return OptionalDouble.of(v).getAsDouble(); // LOUD opaqueCallee
    }

    /** An opaque call inside an inlined callee: the message names the callee's line. */
    static double opaqueInside(double[] x) {
        return opaqueCallee(x[0] * x[1]) + x[0];
    }

    /** The last vector that escaped. */
    static Vec escaped;

    /** d escapes on one path only (into a static field): it must stay an object on both. */
    static double escapesOnOnePath(double[] x) {
        Vec a = new Vec(x[0], x[1], x[2]);
        Vec b = new Vec(x[3], x[4], x[5]);
        Vec d = a.minus(b);
        if (x[0] > 0) {
            escaped = d;
        }
        return d.dot(d) * x[0];
    }

    /** prev refers to the previous iteration's object or to the first one: two allocation sites meet in it. */
    static double carriedAcrossIterations(double[] x) {
        Vec prev = new Vec(x[0], x[1], x[2]);
        double s = 0;
        for (int i = 3; i + 2 < x.length; i += 3) {
            Vec cur = new Vec(x[i], x[i + 1], x[i + 2]);
            s += prev.dot(cur);
            prev = cur;
        }
        return s;
    }
}
