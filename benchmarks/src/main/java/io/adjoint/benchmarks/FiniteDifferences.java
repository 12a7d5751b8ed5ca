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
}
