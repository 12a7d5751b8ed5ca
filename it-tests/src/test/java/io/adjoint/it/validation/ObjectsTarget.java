package io.adjoint.it.validation;

/**
 * Final fields set in constructors ({@code new Vec3(x - o.x, ...)}), and objects created inside the function
 * versus objects created before it (whose fields hold constants).
 */
final class ObjectsTarget {
    static final class Vec3 {
        final double x, y, z;

        Vec3(double x, double y, double z) {
            this.x = x;
            this.y = y;
            this.z = z;
        }

        Vec3 minus(Vec3 o) {
            return new Vec3(x - o.x, y - o.y, z - o.z);
        }

        Vec3 cross(Vec3 o) {
            return new Vec3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x);
        }

        double dot(Vec3 o) {
            return x * o.x + y * o.y + z * o.z;
        }

        double norm() {
            return Math.sqrt(dot(this));
        }

        Vec3 scaled(double k) {
            return new Vec3(k * x, k * y, k * z);
        }
    }

    /** A constructor that computes before assigning, and delegates with this(...). */
    static final class Polar {
        final double r, theta;
        final Vec3 cartesian;

        Polar(double r, double theta) {
            this(r, theta, 0.0);
        }

        Polar(double r, double theta, double z) {
            this.r = r;
            this.theta = theta;
            double c = Math.cos(theta);
            this.cartesian = new Vec3(r * c, r * Math.sin(theta), z);
        }
    }

    /** A mutable object created before the gradient call: its field is written and read inside. */
    static final class Particle {
        double position = 0.5;
        double velocity;
    }

    /** Created before the function: passive fields. */
    static final Vec3 ORIGIN = new Vec3(1.0, -2.0, 0.5);
    static final Particle PARTICLE = new Particle();

    /** |p - o|^2 with p built inside from x and o created before: gradient 2 (p - o). */
    static double distanceSquaredToOrigin(double[] x) {
        Vec3 p = new Vec3(x[0], x[1], x[2]);
        Vec3 d = p.minus(ORIGIN);
        return d.dot(d);
    }

    /** Twice the area of the triangle a b c: |(b - a) x (c - a)|, all points built inside. */
    static double triangleArea(double[] x) {
        Vec3 a = new Vec3(x[0], x[1], x[2]);
        Vec3 b = new Vec3(x[3], x[4], x[5]);
        Vec3 c = new Vec3(x[6], x[7], x[8]);
        return b.minus(a).cross(c.minus(a)).norm();
    }

    /** Polar coordinates through a delegating constructor: f = cartesian.x + 2 cartesian.y = r cos t + 2 r sin t. */
    static double polar(double[] x) {
        Polar p = new Polar(x[0], x[1]);
        return p.cartesian.x + 2 * p.cartesian.y;
    }

    /** One step of a particle created before: position += velocity * dt, both active inside; f = position^2. */
    static double step(double[] x) {
        PARTICLE.position = x[0];
        PARTICLE.velocity = x[1];
        PARTICLE.position += PARTICLE.velocity * 0.1;
        return PARTICLE.position * PARTICLE.position;
    }

    /** An object built inside, scaled by an active factor: f = k^2 |o|^2 with o created before. */
    static double scaledOrigin(double[] x) {
        Vec3 s = ORIGIN.scaled(x[0]);
        return s.dot(s);
    }
}
