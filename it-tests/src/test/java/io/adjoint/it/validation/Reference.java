package io.adjoint.it.validation;

/** Reference values computed independently of the libraries under test. */
final class Reference {
    private Reference() {
    }

    /**
     * The digamma function to ~1e-15 absolute: the recurrence psi(x) = psi(x + 1) - 1/x up to y = x + k >= 20,
     * then the asymptotic series ln y - 1/(2y) - sum B_2n / (2n y^2n) through n = 5, whose first omitted term,
     * 691 / (32760 y^12) < 6e-18 at y >= 20, is below rounding. (commons-math3's and Hipparchus's digamma stop
     * the series at n = 3 from y >= 49 and document only 1e-8 accuracy.)
     */
    static double digamma(double x) {
        if (!(x > 0)) {
            throw new IllegalArgumentException("digamma reference for x > 0 only: " + x);
        }
        double shift = 0;
        while (x < 20) {
            shift += 1 / x;
            x += 1;
        }
        double inv = 1 / x, inv2 = inv * inv;
        double series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))));
        return Math.log(x) - 0.5 * inv - series - shift;
    }
}
