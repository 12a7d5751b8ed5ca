package io.adjoint.benchmarks.hipparchus;

import io.adjoint.benchmarks.workloads.LennardJones;
import org.hipparchus.analysis.differentiation.DSFactory;
import org.hipparchus.analysis.differentiation.DerivativeStructure;
import org.hipparchus.analysis.differentiation.Gradient;

/**
 * Hand ports of the workloads to Hipparchus forward mode ({@link Gradient}: value plus an n-vector of
 * first derivatives carried through every operation; {@link DerivativeStructure} for Black-Scholes).
 * Each port follows its workload line by line; what the user must rewrite is the point of the column.
 */
public final class HipparchusPorts {
    private HipparchusPorts() {
    }

    /** The independent variables: one Gradient per input, the i-th with unit derivative i. */
    public static Gradient[] variables(double[] x) {
        Gradient[] v = new Gradient[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = Gradient.variable(x.length, i, x[i]);
        }
        return v;
    }

    // ---- lecture notes ---------------------------------------------------------------------------

    public static double[] sinOverT(double[] x) {
        Gradient t = Gradient.variable(1, 0, x[0]);
        return t.sin().divide(t).getGradient();
    }

    public static double[] maxZeroTSquared(double[] x) {
        Gradient t = Gradient.variable(1, 0, x[0]);
        Gradient sq = t.multiply(t);
        // Hipparchus has no max on field elements: the user writes the branch (1{v >= 0} convention)
        Gradient h = sq.getValue() >= 0 ? sq : Gradient.constant(1, 0);
        return h.getGradient();
    }

    // ---- Rosenbrock ------------------------------------------------------------------------------

    public static double[] rosenbrock(double[] xd) {
        int n = xd.length;
        Gradient[] x = variables(xd);
        Gradient f = Gradient.constant(n, 0);
        for (int i = 0; i + 1 < n; i += 2) {
            Gradient t1 = x[i + 1].subtract(x[i].multiply(x[i]));
            Gradient t2 = x[i].negate().add(1);
            f = f.add(t1.multiply(t1).multiply(100)).add(t2.multiply(t2));
        }
        return f.getGradient();
    }

    // ---- Black-Scholes ---------------------------------------------------------------------------

    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);

    public static double[] blackScholes(double[] p) {
        Gradient[] v = variables(p);
        Gradient s = v[0];
        Gradient k = v[1];
        Gradient r = v[2];
        Gradient sigma = v[3];
        Gradient t = v[4];
        Gradient sqrtT = t.sqrt();
        Gradient d1 = s.divide(k).log().add(r.add(sigma.multiply(sigma).multiply(0.5)).multiply(t))
                .divide(sigma.multiply(sqrtT));
        Gradient d2 = d1.subtract(sigma.multiply(sqrtT));
        return s.multiply(cnd(d1)).subtract(k.multiply(r.negate().multiply(t).exp()).multiply(cnd(d2)))
                .getGradient();
    }

    static Gradient cnd(Gradient x) {
        Gradient l = x.abs();
        Gradient k = l.multiply(0.2316419).add(1.0).reciprocal();
        Gradient poly = k.multiply(k.multiply(k.multiply(k.multiply(k.multiply(1.330274429).add(-1.821255978))
                .add(1.781477937)).add(-0.356563782)).add(0.319381530));
        Gradient w = l.multiply(l).divide(-2).exp().multiply(poly).multiply(-INV_SQRT_2PI).add(1.0);
        return x.getValue() < 0 ? w.negate().add(1.0) : w;
    }

    private static final DSFactory BS_FACTORY = new DSFactory(5, 1);

    /** The same with DerivativeStructure (order 1): the general multivariate Taylor engine. */
    public static double[] blackScholesDS(double[] p) {
        DerivativeStructure s = BS_FACTORY.variable(0, p[0]);
        DerivativeStructure k = BS_FACTORY.variable(1, p[1]);
        DerivativeStructure r = BS_FACTORY.variable(2, p[2]);
        DerivativeStructure sigma = BS_FACTORY.variable(3, p[3]);
        DerivativeStructure t = BS_FACTORY.variable(4, p[4]);
        DerivativeStructure sqrtT = t.sqrt();
        DerivativeStructure d1 = s.divide(k).log().add(r.add(sigma.multiply(sigma).multiply(0.5)).multiply(t))
                .divide(sigma.multiply(sqrtT));
        DerivativeStructure d2 = d1.subtract(sigma.multiply(sqrtT));
        DerivativeStructure price = s.multiply(cnd(d1)).subtract(k.multiply(r.negate().multiply(t).exp())
                .multiply(cnd(d2)));
        double[] g = new double[5];
        for (int i = 0; i < 5; i++) {
            int[] orders = new int[5];
            orders[i] = 1;
            g[i] = price.getPartialDerivative(orders);
        }
        return g;
    }

    static DerivativeStructure cnd(DerivativeStructure x) {
        DerivativeStructure l = x.abs();
        DerivativeStructure k = l.multiply(0.2316419).add(1.0).reciprocal();
        DerivativeStructure poly = k.multiply(k.multiply(k.multiply(k.multiply(k.multiply(1.330274429)
                .add(-1.821255978)).add(1.781477937)).add(-0.356563782)).add(0.319381530));
        DerivativeStructure w = l.multiply(l).divide(-2).exp().multiply(poly).multiply(-INV_SQRT_2PI).add(1.0);
        return x.getValue() < 0 ? w.negate().add(1.0) : w;
    }

    // ---- MLP -------------------------------------------------------------------------------------

    public static double[] mlp(double[] wd, double[] xs, int[] labels, int in, int hidden, int classes) {
        int n = wd.length;
        Gradient[] w = variables(wd);
        int batch = labels.length;
        int b1 = hidden * in;
        int w2 = b1 + hidden;
        int b2 = w2 + classes * hidden;
        Gradient[] h = new Gradient[hidden];
        Gradient[] z = new Gradient[classes];
        Gradient total = Gradient.constant(n, 0);
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < hidden; j++) {
                Gradient s = w[b1 + j];
                for (int i = 0; i < in; i++) {
                    s = s.add(w[j * in + i].multiply(xs[b * in + i]));
                }
                h[j] = s.tanh();
            }
            Gradient max = null;
            for (int c = 0; c < classes; c++) {
                Gradient s = w[b2 + c];
                for (int j = 0; j < hidden; j++) {
                    s = s.add(w[w2 + c * hidden + j].multiply(h[j]));
                }
                z[c] = s;
                max = max == null || s.getValue() > max.getValue() ? s : max;
            }
            Gradient sum = Gradient.constant(n, 0);
            for (int c = 0; c < classes; c++) {
                sum = sum.add(z[c].subtract(max).exp());
            }
            total = total.add(sum.log().add(max).subtract(z[labels[b]]));
        }
        return total.divide(batch).getGradient();
    }

    // ---- GMM (ADBench) ---------------------------------------------------------------------------

    public static double[] gmm(double[] pd, double[] x, int d, int k, int n, double gamma, int m) {
        int np = pd.length;
        Gradient[] params = variables(pd);
        int icfSz = d * (d + 1) / 2;
        int meansOff = k;
        int icfOff = k + k * d;
        double constant = -n * d * 0.5 * Math.log(2 * Math.PI);

        Gradient[] qdiags = new Gradient[d * k];
        Gradient[] sumQs = new Gradient[k];
        for (int ik = 0; ik < k; ik++) {
            sumQs[ik] = Gradient.constant(np, 0);
            for (int id = 0; id < d; id++) {
                Gradient q = params[icfOff + ik * icfSz + id];
                sumQs[ik] = sumQs[ik].add(q);
                qdiags[ik * d + id] = q.exp();
            }
        }
        Gradient[] xcentered = new Gradient[d];
        Gradient[] qxcentered = new Gradient[d];
        Gradient[] mainTerm = new Gradient[k];
        Gradient slse = Gradient.constant(np, 0);
        for (int ix = 0; ix < n; ix++) {
            for (int ik = 0; ik < k; ik++) {
                for (int id = 0; id < d; id++) {
                    xcentered[id] = params[meansOff + ik * d + id].negate().add(x[ix * d + id]);
                }
                for (int id = 0; id < d; id++) {
                    qxcentered[id] = qdiags[ik * d + id].multiply(xcentered[id]);
                }
                int l = icfOff + ik * icfSz + d;
                for (int i = 0; i < d; i++) {
                    for (int j = i + 1; j < d; j++) {
                        qxcentered[j] = qxcentered[j].add(params[l].multiply(xcentered[i]));
                        l++;
                    }
                }
                mainTerm[ik] = params[ik].add(sumQs[ik]).subtract(sqnorm(qxcentered, 0, d).multiply(0.5));
            }
            slse = slse.add(logsumexp(mainTerm, 0, k));
        }
        Gradient lseAlphas = logsumexp(params, 0, k);
        Gradient err = slse.subtract(lseAlphas.multiply(n)).add(constant);

        int wn = d + m + 1;
        double c = wn * d * (Math.log(gamma) - 0.5 * Math.log(2)) - logGammaDistrib(0.5 * wn, d);
        Gradient out = Gradient.constant(np, 0);
        for (int ik = 0; ik < k; ik++) {
            Gradient frobenius = sqnorm(qdiags, ik * d, d);
            if (icfSz > d) {
                frobenius = frobenius.add(sqnorm(params, icfOff + ik * icfSz + d, icfSz - d));
            }
            out = out.add(frobenius.multiply(0.5 * gamma * gamma)).subtract(sumQs[ik].multiply(m));
        }
        return err.add(out.subtract(k * c)).getGradient();
    }

    private static Gradient sqnorm(Gradient[] x, int off, int len) {
        Gradient res = x[off].multiply(x[off]);
        for (int i = 1; i < len; i++) {
            res = res.add(x[off + i].multiply(x[off + i]));
        }
        return res;
    }

    private static Gradient logsumexp(Gradient[] x, int off, int len) {
        Gradient mx = x[off];
        for (int i = 1; i < len; i++) {
            if (mx.getValue() < x[off + i].getValue()) {
                mx = x[off + i];
            }
        }
        Gradient semx = Gradient.constant(mx.getFreeParameters(), 0);
        for (int i = 0; i < len; i++) {
            semx = semx.add(x[off + i].subtract(mx).exp());
        }
        return semx.log().add(mx);
    }

    /** Constant part: no derivative, so plain doubles (Hipparchus's own log-gamma). */
    private static double logGammaDistrib(double a, int p) {
        double out = 0.25 * p * (p - 1) * Math.log(Math.PI);
        for (int j = 1; j <= p; j++) {
            out += org.hipparchus.special.Gamma.logGamma(a + 0.5 * (1 - j));
        }
        return out;
    }

    // ---- Lennard-Jones ---------------------------------------------------------------------------

    /** Vec3 over Gradient: the object-oriented version ports with a second class. */
    record Vec3G(Gradient x, Gradient y, Gradient z) {
        Vec3G minus(Vec3G o) {
            return new Vec3G(x.subtract(o.x), y.subtract(o.y), z.subtract(o.z));
        }

        Gradient dot(Vec3G o) {
            return x.multiply(o.x).add(y.multiply(o.y)).add(z.multiply(o.z));
        }
    }

    public static double[] lennardJones(double[] posd) {
        Gradient[] pos = variables(posd);
        int n = pos.length / 3;
        Vec3G[] atoms = new Vec3G[n];
        for (int i = 0; i < n; i++) {
            atoms[i] = new Vec3G(pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]);
        }
        Gradient e = Gradient.constant(pos.length, 0);
        double sig2 = LennardJones.SIGMA * LennardJones.SIGMA;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                Vec3G d = atoms[i].minus(atoms[j]);
                Gradient r2 = d.dot(d);
                Gradient s2 = r2.reciprocal().multiply(sig2);
                Gradient s6 = s2.multiply(s2).multiply(s2);
                e = e.add(s6.multiply(s6).subtract(s6).multiply(4 * LennardJones.EPSILON));
            }
        }
        return e.getGradient();
    }
}
