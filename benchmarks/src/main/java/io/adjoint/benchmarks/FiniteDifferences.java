package io.adjoint.benchmarks;

import java.util.function.ToDoubleFunction;

/** Central finite differences: 2n evaluations of f, step cbrt(eps) * max(1, |x_i|). */
public final class FiniteDifferences {
    private FiniteDifferences() {
    }

    private static final double CBRT_EPS = Math.cbrt(Math.ulp(1.0));

    public static double[] central(ToDoubleFunction<double[]> f, double[] x) {
        double[] xx = x.clone();
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double xi = xx[i];
            double h = CBRT_EPS * Math.max(1.0, Math.abs(xi));
            double up = xi + h;
            double down = xi - h;
            xx[i] = up;
            double fUp = f.applyAsDouble(xx);
            xx[i] = down;
            double fDown = f.applyAsDouble(xx);
            xx[i] = xi;
            g[i] = (fUp - fDown) / (up - down);
        }
        return g;
    }

    /**
     * H v as what a user without second-order AD writes: central differences of two exact gradients,
     * (g(x + h v) - g(x - h v)) / 2h, step cbrt(eps) * max(1, |x|_inf) / |v|_inf.
     */
    public static double[] hvpOfGradients(java.util.function.Function<double[], double[]> gradient, double[] x,
                                          double[] v) {
        double xMax = 1.0, vMax = 0.0;
        for (int i = 0; i < x.length; i++) {
            xMax = Math.max(xMax, Math.abs(x[i]));
            vMax = Math.max(vMax, Math.abs(v[i]));
        }
        double h = vMax == 0.0 ? 1.0 : CBRT_EPS * xMax / vMax;
        double[] up = new double[x.length], down = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            up[i] = x[i] + h * v[i];
            down[i] = x[i] - h * v[i];
        }
        double[] gUp = gradient.apply(up), gDown = gradient.apply(down);
        double[] hv = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            hv[i] = (gUp[i] - gDown[i]) / (2 * h);
        }
        return hv;
    }
}
