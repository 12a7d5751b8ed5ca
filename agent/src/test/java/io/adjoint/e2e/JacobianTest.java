package io.adjoint.e2e;

import io.adjoint.Gradients;
import io.adjoint.Jacobian;
import io.adjoint.JacobianOperator;
import io.adjoint.Mode;
import io.adjoint.VectorFunction;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JacobianTest {
    private static final double TOL = 1e-13;

    private static void allModesAgree(VectorFunction f, double[] x, double[][] expected, double tol, String what) {
        double[][] fwd = Gradients.jacobian(f, Mode.FORWARD).at(x);
        double[][] rev = Gradients.jacobian(f, Mode.REVERSE).at(x);
        double[][] auto = Gradients.jacobian(f).at(x);
        Check.close(fwd, rev, TOL, what + ": forward vs reverse");
        Check.close(fwd, auto, TOL, what + ": forward vs auto");
        if (expected != null) {
            Check.close(expected, fwd, tol, what + ": forward vs hand");
            Check.close(expected, rev, tol, what + ": reverse vs hand");
        }
        // the operator: the same recording kept, the same sweeps, so the same numbers to the last bit
        JacobianOperator op = Gradients.jacobianAt(f, x);
        assertArrayEquals(f.apply(x.clone()), op.value(), what + ": value");
        assertEquals(x.length, op.inputs());
        assertEquals(auto.length, op.outputs());
        double[][] m = op.matrix();
        for (int r = 0; r < auto.length; r++) {
            assertArrayEquals(auto[r], m[r], what + ": the operator's matrix, row " + r);
        }
        Random rnd = new Random(x.length);
        for (int trial = 0; trial < 2; trial++) {
            double[] v = rnd.doubles(x.length, -1, 1).toArray();
            double[] u = rnd.doubles(auto.length, -1, 1).toArray();
            assertArrayEquals(Gradients.jvp(f, x, v), op.times(v), what + ": J v");
            assertArrayEquals(Gradients.vjp(f, x, u), op.transposeTimes(u), what + ": J^T u");
            if (expected != null) {
                Check.close(Check.times(expected, v), op.times(v), tol, what + ": J v by hand");
                Check.close(Check.times(u, expected), op.transposeTimes(u), tol, what + ": u^T J by hand");
            }
        }
    }

    /** Rosenbrock's residuals in pairs: r = (10 (x_{2i+1} - x_{2i}^2), 1 - x_{2i}), zero at (1, ..., 1). */
    static double[] rosenbrockResiduals(double[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i + 1 < x.length; i += 2) {
            r[i] = 10 * (x[i + 1] - x[i] * x[i]);
            r[i + 1] = 1 - x[i];
        }
        return r;
    }

    /**
     * What the operator is for: Gauss-Newton with CGLS on J p = -r (products J v and J^T u only), one recording per
     * step. A zero-residual problem, so quadratic at the end; a wrong product stalls it.
     */
    @Test
    void gaussNewtonWithCglsThroughTheOperator() {
        int n = 40;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 2 == 0 ? -1.2 : 1.0;
        }
        java.util.List<Double> norms = new java.util.ArrayList<>();
        for (int step = 0; step < 30; step++) {
            JacobianOperator j = Gradients.jacobianAt(JacobianTest::rosenbrockResiduals, x);
            double[] r = j.value();
            double norm = Math.sqrt(Check.dot(r, r));
            norms.add(norm);
            if (norm < 1e-12) {
                break;
            }
            // CGLS from p = 0: minimises |J p + r|
            double[] p = new double[n];
            double[] res = r.clone();
            for (int i = 0; i < res.length; i++) {
                res[i] = -res[i];
            }
            double[] s = j.transposeTimes(res);
            double[] d = s.clone();
            double gamma = Check.dot(s, s);
            for (int it = 0; it < n && gamma > 1e-30; it++) {
                double[] q = j.times(d);
                double alpha = gamma / Check.dot(q, q);
                for (int i = 0; i < n; i++) {
                    p[i] += alpha * d[i];
                }
                for (int i = 0; i < res.length; i++) {
                    res[i] -= alpha * q[i];
                }
                s = j.transposeTimes(res);
                double next = Check.dot(s, s);
                for (int i = 0; i < n; i++) {
                    d[i] = s[i] + next / gamma * d[i];
                }
                gamma = next;
            }
            for (int i = 0; i < n; i++) {
                x[i] += p[i];
            }
        }
        int last = norms.size() - 1;
        assertTrue(norms.get(last) < 1e-12, "Gauss-Newton converged: " + norms);
        for (int i = 0; i < n; i++) {
            assertEquals(1.0, x[i], 1e-12, "x[" + i + "]");
        }
        // quadratic at the end: a wrong J is linear at best
        assertTrue(norms.get(last - 1) <= 10 * norms.get(last - 2) * norms.get(last - 2), "quadratic: " + norms);
    }


    /** Polar to Cartesian in 3D: (r, theta, phi) -> (x, y, z). */
    static double[] spherical(double[] p) {
        double r = p[0], t = p[1], f = p[2];
        return new double[] {r * Math.sin(t) * Math.cos(f), r * Math.sin(t) * Math.sin(f), r * Math.cos(t)};
    }

    @Test
    void sphericalCoordinatesByHand() {
        double r = 1.7, t = 0.6, f = -1.1;
        double st = Math.sin(t), ct = Math.cos(t), sf = Math.sin(f), cf = Math.cos(f);
        double[][] hand = {
                {st * cf, r * ct * cf, -r * st * sf},
                {st * sf, r * ct * sf, r * st * cf},
                {ct, -r * st, 0}};
        allModesAgree(JacobianTest::spherical, new double[] {r, t, f}, hand, TOL, "spherical");
    }

    /** A wide function (2 outputs of 20 inputs) and a tall one (20 outputs of 3 inputs), with loops. */
    static double[] wide(double[] x) {
        double s = 0, p = 1;
        for (double v : x) {
            s += v * v;
            p *= Math.cos(v);
        }
        return new double[] {s, p};
    }

    static double[] tall(double[] x) {
        double[] y = new double[20];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.exp(-i * x[0]) * x[1] + Math.sin(i * x[2]);
        }
        return y;
    }

    @Test
    void wideAndTallFunctionsByHand() {
        double[] x = new Random(5).doubles(20, -1, 1).toArray();
        double[][] hand = new double[2][20];
        double p = 1;
        for (double v : x) {
            p *= Math.cos(v);
        }
        for (int i = 0; i < 20; i++) {
            hand[0][i] = 2 * x[i];
            hand[1][i] = -p * Math.tan(x[i]);
        }
        allModesAgree(JacobianTest::wide, x, hand, 1e-12, "wide");

        double[] z = {0.3, -1.4, 0.8};
        double[][] tallHand = new double[20][3];
        for (int i = 0; i < 20; i++) {
            tallHand[i][0] = -i * Math.exp(-i * z[0]) * z[1];
            tallHand[i][1] = Math.exp(-i * z[0]);
            tallHand[i][2] = i * Math.cos(i * z[2]);
        }
        allModesAgree(JacobianTest::tall, z, tallHand, 1e-12, "tall");
    }

    /**
     * The lecture notes' second scenario, one input feeding several outputs: z fans out into
     * y1 = z^2, y2 = sin z, y3 = z e^z. The Jacobian is the column of the three local derivatives, and
     * a downstream L(y1, y2, y3) receives dL/dz as the sum of the upstream gradients times them.
     */
    static double[] fanOut(double[] z) {
        double v = z[0];
        return new double[] {v * v, Math.sin(v), v * Math.exp(v)};
    }

    static double downstream(double[] z) {
        double[] y = fanOut(z);
        return y[0] * y[1] + 3 * y[2];
    }

    @Test
    void fanOutOfOneInputToSeveralOutputs() {
        double z = 0.8;
        double[][] hand = {{2 * z}, {Math.cos(z)}, {(1 + z) * Math.exp(z)}};
        allModesAgree(JacobianTest::fanOut, new double[] {z}, hand, TOL, "fan-out");

        double[] y = fanOut(new double[] {z});
        double[] upstream = {y[1], y[0], 3}; // dL/dy
        double sum = upstream[0] * hand[0][0] + upstream[1] * hand[1][0] + upstream[2] * hand[2][0];
        Check.close(new double[] {sum}, Gradients.of(JacobianTest::downstream).at(z), TOL, "reverse dL/dz");
        Check.close(new double[] {sum}, Gradients.forward(JacobianTest::downstream).at(z), TOL, "forward dL/dz");
        Check.close(new double[] {sum}, Gradients.vjp(JacobianTest::fanOut, new double[] {z}, upstream), TOL,
                "vjp with the upstream gradients");
    }

    @Test
    void identityAndConstantOutputs() {
        VectorFunction f = x -> new double[] {x[1], 7.0, x[0], x[1]};
        double[][] hand = {{0, 1}, {0, 0}, {1, 0}, {0, 1}};
        allModesAgree(f, new double[] {2, 3}, hand, 0.0, "copies and constants");
        allModesAgree(x -> x, new double[] {2, 3, 4}, new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, 0.0,
                "the identity");
    }

    @Test
    void jvpAndVjpAreJacobianProducts() {
        Random rnd = new Random(11);
        double[] p = Camera.parameters();
        double[][] j = Gradients.jacobian(Camera::residual).at(p);
        for (int trial = 0; trial < 3; trial++) {
            double[] v = rnd.doubles(15, -1, 1).toArray();
            double[] u = rnd.doubles(3, -1, 1).toArray();
            Check.close(Check.times(j, v), Gradients.jvp(Camera::residual, p, v), 1e-12, "J v");
            Check.close(Check.times(u, j), Gradients.vjp(Camera::residual, p, u), 1e-12, "u^T J");
        }
        double[] x = rnd.doubles(20, -1, 1).toArray();
        double[][] w = Gradients.jacobian(JacobianTest::wide).at(x);
        double[] v = rnd.doubles(20, -1, 1).toArray();
        Check.close(Check.times(w, v), Gradients.jvp(JacobianTest::wide, x, v), 1e-12, "wide J v");
        Check.close(Check.times(new double[] {0.5, -2}, w), Gradients.vjp(JacobianTest::wide, x,
                new double[] {0.5, -2}), 1e-12, "wide u^T J");
    }

    @Test
    void wrongDirectionLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> Gradients.jvp(JacobianTest::spherical, new double[3], new double[2]));
        assertThrows(IllegalArgumentException.class,
                () -> Gradients.vjp(JacobianTest::spherical, new double[] {1, 2, 3}, new double[4]));
    }

    // ---- the camera ---------------------------------------------------------------------------------

    /**
     * Central differences with one Richardson step, D = (4 D(h/2) - D(h)) / 3, error O(h^4): an
     * independent reference for the camera's Jacobian.
     */
    static double[][] richardson(VectorFunction f, double[] x) {
        int n = x.length;
        int m = f.apply(x.clone()).length;
        double[][] j = new double[m][n];
        for (int i = 0; i < n; i++) {
            double h = 1e-3 * Math.max(1.0, Math.abs(x[i]));
            double[] d1 = central(f, x, i, h);
            double[] d2 = central(f, x, i, h / 2);
            for (int r = 0; r < m; r++) {
                j[r][i] = (4 * d2[r] - d1[r]) / 3;
            }
        }
        return j;
    }

    private static double[] central(VectorFunction f, double[] x, int i, double h) {
        double[] xp = x.clone(), xm = x.clone();
        xp[i] += h;
        xm[i] -= h;
        double[] fp = f.apply(xp), fm = f.apply(xm);
        double[] d = new double[fp.length];
        for (int r = 0; r < d.length; r++) {
            d[r] = (fp[r] - fm[r]) / (xp[i] - xm[i]);
        }
        return d;
    }

    @Test
    void cameraReprojectionAgainstRichardsonDifferences() {
        double[] p = Camera.parameters();
        double[][] reference = richardson(Camera::residual, p);
        Jacobian fwd = Gradients.jacobian(Camera::residual, Mode.FORWARD);
        Jacobian rev = Gradients.jacobian(Camera::residual, Mode.REVERSE);
        double[][] jf = fwd.at(p);
        assertEquals(3, jf.length);
        assertEquals(15, jf[0].length);
        Check.close(reference, jf, 1e-7, "camera, forward vs Richardson");
        Check.close(reference, rev.at(p), 1e-7, "camera, reverse vs Richardson");
        Check.close(jf, rev.at(p), TOL, "camera, forward vs reverse");
        Check.close(rev.at(p), Gradients.jacobian(Camera::residual).at(p), 0.0, "AUTO is reverse here: 15 > 3");
    }

    /** Hand derivatives of the projection with respect to the intrinsics and the depth row. */
    @Test
    void cameraIntrinsicsByHand() {
        double[] p = Camera.parameters();
        double[] c = Camera.rotate(new double[] {p[0], p[1], p[2]}, new double[] {p[12], p[13], p[14]});
        for (int i = 0; i < 3; i++) {
            c[i] += p[3 + i];
        }
        double xn = c[0] / c[2], yn = c[1] / c[2], r2 = xn * xn + yn * yn;
        double dist = 1 + p[10] * r2 + p[11] * r2 * r2;
        double[][] j = Gradients.jacobian(Camera::residual).at(p);
        Check.close(dist * xn, j[0][6], TOL, "du/dfx");
        Check.close(0.0, j[0][7], 0.0, "du/dfy");
        Check.close(dist * yn, j[1][7], TOL, "dv/dfy");
        Check.close(1.0, j[0][8], 0.0, "du/dcx");
        Check.close(1.0, j[1][9], 0.0, "dv/dcy");
        Check.close(p[6] * r2 * xn, j[0][10], TOL, "du/dk1");
        Check.close(p[7] * r2 * r2 * yn, j[1][11], TOL, "dv/dk2");
        Check.close(1.0, j[2][5], 0.0, "d depth / d tz");
        for (int i = 6; i < 12; i++) {
            Check.close(0.0, j[2][i], 0.0, "the depth does not depend on the intrinsics");
        }
    }
}
