package io.adjoint.benchmarks.workloads;

/**
 * Lennard-Jones energy of a cluster of atoms, written the object-oriented way: positions become
 * {@link Vec3} values and the pair loop works on those: a Vec3 allocated per pair from active coordinates.
 */
public final class LennardJones {
    private LennardJones() {
    }

    public static final double EPSILON = 1.0;
    public static final double SIGMA = 1.0;

    /** An immutable 3-vector, as a user's geometry code would have it. */
    public static final class Vec3 {
        public final double x;
        public final double y;
        public final double z;

        public Vec3(double x, double y, double z) {
            this.x = x;
            this.y = y;
            this.z = z;
        }

        public Vec3 minus(Vec3 o) {
            return new Vec3(x - o.x, y - o.y, z - o.z);
        }

        public double dot(Vec3 o) {
            return x * o.x + y * o.y + z * o.z;
        }
    }

    /** pos = {x0, y0, z0, x1, ...}. */
    public static double energy(double[] pos) {
        int n = pos.length / 3;
        Vec3[] atoms = new Vec3[n];
        for (int i = 0; i < n; i++) {
            atoms[i] = new Vec3(pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]);
        }
        double e = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                Vec3 d = atoms[i].minus(atoms[j]);
                double r2 = d.dot(d);
                double s2 = SIGMA * SIGMA / r2;
                double s6 = s2 * s2 * s2;
                e += 4 * EPSILON * (s6 * s6 - s6);
            }
        }
        return e;
    }

    /** {@code atoms} atoms on a slightly perturbed cubic lattice of spacing 1.1 sigma. */
    public static double[] lattice(int atoms) {
        int side = (int) Math.ceil(Math.cbrt(atoms));
        double[] pos = new double[3 * atoms];
        java.util.Random rnd = new java.util.Random(atoms);
        for (int a = 0; a < atoms; a++) {
            int ix = a % side;
            int iy = (a / side) % side;
            int iz = a / (side * side);
            pos[3 * a] = 1.1 * ix + 0.05 * rnd.nextGaussian();
            pos[3 * a + 1] = 1.1 * iy + 0.05 * rnd.nextGaussian();
            pos[3 * a + 2] = 1.1 * iz + 0.05 * rnd.nextGaussian();
        }
        return pos;
    }
}
