package io.adjoint.benchmarks.hand;

import io.adjoint.benchmarks.workloads.BlackScholes;
import io.adjoint.benchmarks.workloads.LennardJones;
import io.adjoint.benchmarks.workloads.Mlp;

/**
 * Gradients derived and written by hand: the lower bound a user could reach with effort. Each returns
 * the gradient (the value, where cheap, is computed too, as an AD tool does).
 */
public final class HandGradients {
    private HandGradients() {
    }

    public static double[] sinOverT(double[] x) {
        double t = x[0];
        double s = Math.sin(t);
        return new double[] {Math.cos(t) / t - s / (t * t)};
    }

    public static double[] maxZeroTSquared(double[] x) {
        double t = x[0];
        return new double[] {t * t >= 0 ? 2 * t : 0};
    }

    public static double[] rosenbrock(double[] x) {
        double[] g = new double[x.length];
        for (int i = 0; i + 1 < x.length; i += 2) {
            double t1 = x[i + 1] - x[i] * x[i];
            double t2 = 1 - x[i];
            g[i] = -400 * x[i] * t1 - 2 * t2;
            g[i + 1] = 200 * t1;
        }
        return g;
    }

    /**
     * Rosenbrock's Hessian times v by hand: each pair (a, b) = (x[i], x[i+1]) has the 2 x 2 block
     * [[1200 a^2 - 400 b + 2, -400 a], [-400 a, 200]].
     */
    public static double[] rosenbrockHvp(double[] x, double[] v) {
        double[] hv = new double[x.length];
        for (int i = 0; i + 1 < x.length; i += 2) {
            double a = x[i], b = x[i + 1];
            double haa = 1200 * a * a - 400 * b + 2, hab = -400 * a;
            hv[i] = haa * v[i] + hab * v[i + 1];
            hv[i + 1] = hab * v[i] + 200 * v[i + 1];
        }
        return hv;
    }

    /**
     * The five Greeks in closed form (delta, dual delta, rho, vega, -theta), with the same approximate
     * CDF as the priced function but the exact normal density: they differ from the derivative of the
     * approximated price by the approximation's slope error (~1e-7 relative).
     */
    public static double[] blackScholes(double[] p) {
        double s = p[0];
        double k = p[1];
        double r = p[2];
        double sigma = p[3];
        double t = p[4];
        double sqrtT = Math.sqrt(t);
        double d1 = (Math.log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
        double d2 = d1 - sigma * sqrtT;
        double nd1 = BlackScholes.cnd(d1);
        double nd2 = BlackScholes.cnd(d2);
        double pdf1 = Math.exp(-0.5 * d1 * d1) / Math.sqrt(2 * Math.PI);
        double disc = Math.exp(-r * t);
        return new double[] {
            nd1,
            -disc * nd2,
            k * t * disc * nd2,
            s * pdf1 * sqrtT,
            s * pdf1 * sigma / (2 * sqrtT) + r * k * disc * nd2};
    }

    /** Backpropagation through the two-layer perceptron, by hand. */
    public static double[] mlp(double[] w, double[] xs, int[] labels, int in, int hidden, int classes) {
        int batch = labels.length;
        int b1 = hidden * in;
        int w2 = b1 + hidden;
        int b2 = w2 + classes * hidden;
        double[] g = new double[w.length];
        double[] h = new double[hidden];
        double[] z = new double[classes];
        double[] dh = new double[hidden];
        double inv = 1.0 / batch;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < hidden; j++) {
                double s = w[b1 + j];
                for (int i = 0; i < in; i++) {
                    s += w[j * in + i] * xs[b * in + i];
                }
                h[j] = Math.tanh(s);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double s = w[b2 + c];
                for (int j = 0; j < hidden; j++) {
                    s += w[w2 + c * hidden + j] * h[j];
                }
                z[c] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                z[c] = Math.exp(z[c] - max);
                sum += z[c];
            }
            java.util.Arrays.fill(dh, 0);
            for (int c = 0; c < classes; c++) {
                double dz = (z[c] / sum - (c == labels[b] ? 1 : 0)) * inv;
                g[b2 + c] += dz;
                for (int j = 0; j < hidden; j++) {
                    g[w2 + c * hidden + j] += dz * h[j];
                    dh[j] += dz * w[w2 + c * hidden + j];
                }
            }
            for (int j = 0; j < hidden; j++) {
                double ds = dh[j] * (1 - h[j] * h[j]);
                g[b1 + j] += ds;
                for (int i = 0; i < in; i++) {
                    g[j * in + i] += ds * xs[b * in + i];
                }
            }
        }
        return g;
    }

    public static double[] mlp(Mlp.Instance m, double[] w) {
        return mlp(w, m.xs(), m.labels(), m.in(), m.hidden(), m.classes());
    }

    /** MatVec: with y = A x, d/dA_ik = 2 y_i x_k and d/dx_k = 2 sum_i y_i A_ik. */
    public static double[] matVec(double[] p) {
        int n = io.adjoint.benchmarks.workloads.MatVec.side(p);
        double[] g = new double[p.length];
        for (int i = 0; i < n; i++) {
            double y = 0;
            for (int k = 0; k < n; k++) {
                y += p[i * n + k] * p[n * n + k];
            }
            double t = 2 * y;
            for (int k = 0; k < n; k++) {
                g[i * n + k] = t * p[n * n + k];
                g[n * n + k] += t * p[i * n + k];
            }
        }
        return g;
    }

    /** Minus the forces: dE/dr_ij = 24 eps (s6 - 2 s6^2) / r^2 * (r_i - r_j). */
    public static double[] lennardJones(double[] pos) {
        int n = pos.length / 3;
        double[] g = new double[pos.length];
        double sig2 = LennardJones.SIGMA * LennardJones.SIGMA;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double dx = pos[3 * i] - pos[3 * j];
                double dy = pos[3 * i + 1] - pos[3 * j + 1];
                double dz = pos[3 * i + 2] - pos[3 * j + 2];
                double r2 = dx * dx + dy * dy + dz * dz;
                double s2 = sig2 / r2;
                double s6 = s2 * s2 * s2;
                double c = 24 * LennardJones.EPSILON * (s6 - 2 * s6 * s6) / r2;
                g[3 * i] += c * dx;
                g[3 * i + 1] += c * dy;
                g[3 * i + 2] += c * dz;
                g[3 * j] -= c * dx;
                g[3 * j + 1] -= c * dy;
                g[3 * j + 2] -= c * dz;
            }
        }
        return g;
    }
}
