package io.adjoint.benchmarks.workloads;

import java.util.Random;

/**
 * ADBench's Gaussian mixture model objective (Srajer, Kukelova and Fitzgibbon, "A benchmark of selected
 * algorithmic differentiation tools on some problems in computer vision and machine learning", 2018),
 * ported line by line from its C++ reference {@code gmm_objective}: negative log-likelihood-like sum of
 * logsumexp over the k components for each of the n points, plus the Wishart prior on the inverse
 * covariances.
 *
 * <p>The parameters are packed in one vector, {@code [alphas (k) | means (k*d) | icf (k*d*(d+1)/2)]};
 * the inverse-covariance factor of component ik is ADBench's Q parametrization: its d first entries are
 * the logs of the diagonal of the lower-triangular Q, the d*(d-1)/2 next the strictly lower part, column
 * by column.
 */
public final class Gmm {
    private Gmm() {
    }

    public static int icfSize(int d) {
        return d * (d + 1) / 2;
    }

    public static int parameterCount(int d, int k) {
        return k + k * d + k * icfSize(d);
    }

    /**
     * The objective. {@code x} holds the n points of dimension d one after the other; the Wishart prior
     * has parameters gamma and m.
     */
    public static double objective(double[] params, double[] x, int d, int k, int n, double gamma, int m) {
        int icfSz = icfSize(d);
        int meansOff = k;
        int icfOff = k + k * d;
        double constant = -n * d * 0.5 * Math.log(2 * Math.PI);

        double[] qdiags = new double[d * k];
        double[] sumQs = new double[k];
        preprocessQs(d, k, params, icfOff, sumQs, qdiags);

        double[] xcentered = new double[d];
        double[] qxcentered = new double[d];
        double[] mainTerm = new double[k];
        double slse = 0;
        for (int ix = 0; ix < n; ix++) {
            for (int ik = 0; ik < k; ik++) {
                subtract(d, x, ix * d, params, meansOff + ik * d, xcentered);
                qtimesx(d, qdiags, ik * d, params, icfOff + ik * icfSz + d, xcentered, qxcentered);
                mainTerm[ik] = params[ik] + sumQs[ik] - 0.5 * sqnorm(d, qxcentered, 0);
            }
            slse = slse + logsumexp(k, mainTerm, 0);
        }
        double lseAlphas = logsumexp(k, params, 0);
        double err = constant + slse - n * lseAlphas;
        return err + logWishartPrior(d, k, gamma, m, sumQs, qdiags, params, icfOff);
    }

    static void preprocessQs(int d, int k, double[] params, int icfOff, double[] sumQs, double[] qdiags) {
        int icfSz = icfSize(d);
        for (int ik = 0; ik < k; ik++) {
            sumQs[ik] = 0;
            for (int id = 0; id < d; id++) {
                double q = params[icfOff + ik * icfSz + id];
                sumQs[ik] = sumQs[ik] + q;
                qdiags[ik * d + id] = Math.exp(q);
            }
        }
    }

    static void subtract(int d, double[] x, int xOff, double[] y, int yOff, double[] out) {
        for (int id = 0; id < d; id++) {
            out[id] = x[xOff + id] - y[yOff + id];
        }
    }

    /** out = Q x for the lower-triangular Q given by its diagonal and its strictly lower part. */
    static void qtimesx(int d, double[] qdiag, int qdiagOff, double[] ltri, int ltriOff, double[] x, double[] out) {
        for (int id = 0; id < d; id++) {
            out[id] = qdiag[qdiagOff + id] * x[id];
        }
        int lparamsidx = ltriOff;
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                out[j] = out[j] + ltri[lparamsidx] * x[i];
                lparamsidx++;
            }
        }
    }

    static double sqnorm(int len, double[] x, int off) {
        double res = x[off] * x[off];
        for (int i = 1; i < len; i++) {
            res = res + x[off + i] * x[off + i];
        }
        return res;
    }

    static double arrMax(int len, double[] x, int off) {
        double m = x[off];
        for (int i = 1; i < len; i++) {
            if (m < x[off + i]) {
                m = x[off + i];
            }
        }
        return m;
    }

    static double logsumexp(int len, double[] x, int off) {
        double mx = arrMax(len, x, off);
        double semx = 0;
        for (int i = 0; i < len; i++) {
            semx = semx + Math.exp(x[off + i] - mx);
        }
        return Math.log(semx) + mx;
    }

    static double logWishartPrior(int p, int k, double gamma, int m, double[] sumQs, double[] qdiags,
                                  double[] icf, int icfOff) {
        int n = p + m + 1;
        int icfSz = icfSize(p);
        double c = n * p * (Math.log(gamma) - 0.5 * Math.log(2)) - logGammaDistrib(0.5 * n, p);
        double out = 0;
        for (int ik = 0; ik < k; ik++) {
            double frobenius = sqnorm(p, qdiags, ik * p) + sqnormOrZero(icfSz - p, icf, icfOff + ik * icfSz + p);
            out = out + 0.5 * gamma * gamma * frobenius - m * sumQs[ik];
        }
        return out - k * c;
    }

    private static double sqnormOrZero(int len, double[] x, int off) {
        return len == 0 ? 0 : sqnorm(len, x, off);
    }

    /** log of the multivariate gamma function Gamma_p(a). */
    static double logGammaDistrib(double a, int p) {
        double out = 0.25 * p * (p - 1) * Math.log(Math.PI);
        for (int j = 1; j <= p; j++) {
            out = out + lgamma(a + 0.5 * (1 - j));
        }
        return out;
    }

    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    /** log Gamma(x) for x &gt; 0 (Lanczos, g = 7): Java has no lgamma. */
    static double lgamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
        }
        x -= 1;
        double a = LANCZOS[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += LANCZOS[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** One problem instance: parameters and points, made from a fixed seed. */
    public record Instance(int d, int k, int n, double[] params, double[] x, double gamma, int m) {
        public double value(double[] p) {
            return objective(p, x, d, k, n, gamma, m);
        }
    }

    public static Instance instance(int d, int k, int n) {
        Random rnd = new Random(31L * d + k);
        double[] params = new double[parameterCount(d, k)];
        int icfSz = icfSize(d);
        for (int ik = 0; ik < k; ik++) {
            params[ik] = rnd.nextGaussian();
            for (int id = 0; id < d; id++) {
                params[k + ik * d + id] = rnd.nextDouble();
            }
            for (int j = 0; j < icfSz; j++) {
                params[k + k * d + ik * icfSz + j] = 0.5 * rnd.nextDouble() - 0.25;
            }
        }
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextDouble();
        }
        return new Instance(d, k, n, params, x, 1.0, 0);
    }
}
