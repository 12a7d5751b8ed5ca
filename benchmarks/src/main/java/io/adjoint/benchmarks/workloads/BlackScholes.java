package io.adjoint.benchmarks.workloads;

/**
 * Black-Scholes price of a European call. Its gradient with respect to (S, K, r, sigma, T) is the set of
 * five first-order Greeks: delta, dual delta, rho, vega and minus theta.
 *
 * <p>The normal CDF is the erf-free rational approximation of Abramowitz and Stegun 26.2.17
 * (|error| &lt; 7.5e-8), as many pricing libraries write it.
 */
public final class BlackScholes {
    private BlackScholes() {
    }

    static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);

    /** p = {S, K, r, sigma, T}. */
    public static double callPrice(double[] p) {
        double s = p[0];
        double k = p[1];
        double r = p[2];
        double sigma = p[3];
        double t = p[4];
        double sqrtT = Math.sqrt(t);
        double d1 = (Math.log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
        double d2 = d1 - sigma * sqrtT;
        return s * cnd(d1) - k * Math.exp(-r * t) * cnd(d2);
    }

    /** Standard normal cumulative distribution function, A&amp;S 26.2.17. */
    public static double cnd(double x) {
        double l = Math.abs(x);
        double k = 1.0 / (1.0 + 0.2316419 * l);
        double poly = k * (0.319381530 + k * (-0.356563782 + k * (1.781477937
                + k * (-1.821255978 + k * 1.330274429))));
        double w = 1.0 - INV_SQRT_2PI * Math.exp(-l * l / 2) * poly;
        return x < 0 ? 1.0 - w : w;
    }

    /** An at-the-money-ish one-year option. */
    public static double[] sample() {
        return new double[] {100.0, 95.0, 0.03, 0.25, 1.0};
    }
}
