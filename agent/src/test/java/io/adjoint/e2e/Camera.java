package io.adjoint.e2e;

/**
 * A pinhole camera with radial distortion, as in bundle adjustment. Parameters (15):
 * angle-axis rotation w (3), translation t (3), focal lengths fx, fy, principal point cx, cy,
 * radial distortion k1, k2, and the 3D point X (3). Output (3): the reprojection residual
 * (u - uObs, v - vObs) and the point's depth in the camera frame.
 */
final class Camera {
    private Camera() {
    }

    static final double U_OBS = 512.3, V_OBS = 377.9;

    static double[] residual(double[] p) {
        double[] w = {p[0], p[1], p[2]};
        double[] x = {p[12], p[13], p[14]};
        double[] c = rotate(w, x);
        for (int i = 0; i < 3; i++) {
            c[i] += p[3 + i];
        }
        double xn = c[0] / c[2], yn = c[1] / c[2];
        double r2 = xn * xn + yn * yn;
        double distortion = 1 + r2 * (p[10] + p[11] * r2);
        double u = p[6] * distortion * xn + p[8];
        double v = p[7] * distortion * yn + p[9];
        return new double[] {u - U_OBS, v - V_OBS, c[2]};
    }

    /** Rodrigues: R(w) x = x cos t + (k x x) sin t + k (k . x)(1 - cos t), k = w / t, t = |w|. */
    static double[] rotate(double[] w, double[] x) {
        double theta = Math.sqrt(dot(w, w));
        if (theta < 1e-8) { // first order: x + w x x
            double[] wx = cross(w, x);
            return new double[] {x[0] + wx[0], x[1] + wx[1], x[2] + wx[2]};
        }
        double[] k = {w[0] / theta, w[1] / theta, w[2] / theta};
        double cos = Math.cos(theta), sin = Math.sin(theta);
        double[] kx = cross(k, x);
        double kdx = dot(k, x) * (1 - cos);
        double[] r = new double[3];
        for (int i = 0; i < 3; i++) {
            r[i] = x[i] * cos + kx[i] * sin + k[i] * kdx;
        }
        return r;
    }

    static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    /** A plausible camera and point: the point lies about 6 units in front of the camera. */
    static double[] parameters() {
        return new double[] {
                0.12, -0.31, 0.07,      // angle-axis
                0.4, -0.2, 5.5,         // translation
                820.0, 805.0,           // fx, fy
                320.5, 240.25,          // cx, cy
                -0.21, 0.045,           // k1, k2
                0.8, -0.55, 1.3};       // X
    }
}
