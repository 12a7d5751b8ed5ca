package io.adjoint.agent.twin.targets;

/**
 * Target: small callees inlined into twins and the object they make replaced by its fields (twin/Inlining,
 * ScalarReplacement). TwinGeneratorTest checks the generated code's shape; it-tests' InliningTest the derivatives.
 */
public class Inlined {
    /** A final class: its methods are inlined, the vector minus makes becomes three locals. */
    public static final class Vec {
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
    }

    /** One node per pair: six field reads (a's and b's coordinates) and one generated method with seven leaves. */
    public static double pairs(Vec[] atoms) {
        double e = 0;
        for (int i = 0; i < atoms.length; i++) {
            for (int j = i + 1; j < atoms.length; j++) {
                Vec d = atoms[i].minus(atoms[j]);
                double r2 = d.dot(d);
                double s6 = 1 / (r2 * r2 * r2);
                e += s6 * s6 - s6;
            }
        }
        return e;
    }

    /** Overridable: never inlined. */
    public double scale(double v) {
        return 2 * v;
    }

    /** The call of scale stays a call. */
    public double scaled(double v) {
        return scale(v) * v;
    }
}
