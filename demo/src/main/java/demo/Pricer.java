package demo;

/** European option prices by Black-Scholes: ordinary code that knows nothing of derivatives. */
public final class Pricer {
    private Pricer() {
    }

    /** Price of a European call: spot S, strike K, rate r, volatility sigma, maturity T (years). */
    public static double price(double s, double k, double r, double sigma, double t) {
        double sqrtT = Math.sqrt(t);
        double d1 = (Math.log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
        double d2 = d1 - sigma * sqrtT;
        return s * normalCdf(d1) - k * Math.exp(-r * t) * normalCdf(d2);
    }

    /** Standard normal CDF via the complementary error function (W. J. Cody's rational approximation). */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2.0));
    }

    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
        double r = t * Math.exp(poly);
        return x >= 0 ? r : 2.0 - r;
    }
}
