package io.adjoint.internal;

import java.util.function.DoubleUnaryOperator;

/**
 * Reference derivatives by finite differences, independent of the tape: central differences
 * {@code D(h) = (f(x + h) - f(x - h)) / 2h} at steps {@code h0, h0/2, h0/4, ...}, combined in a Richardson
 * tableau (Neville style, as in Ridders' method). Column {@code j} cancels the {@code h^(2j)} error term,
 * so for a smooth function the estimate converges far faster than any single difference; the tableau
 * stops when the estimates start to drift apart (rounding noise), keeping the best one seen.
 *
 * <p>With a step {@code h0} over which the function is smooth and well scaled, this is accurate to about
 * 1e-10 relative or better (see {@code RichardsonTest}).
 */
final class Richardson {
    private Richardson() {
    }

    /** An estimate of f'(x) and the tableau's own estimate of its error. */
    record Estimate(double value, double error) {
    }

    private static final int ROWS = 14;
    private static final double SAFE = 2.0;

    /** f'(x) with initial step {@code h0} (f must be smooth on [x - h0, x + h0]). */
    static double derivative(DoubleUnaryOperator f, double x, double h0) {
        return estimate(f, x, h0).value();
    }

    static Estimate estimate(DoubleUnaryOperator f, double x, double h0) {
        if (!(h0 > 0) || Double.isInfinite(h0)) {
            throw new IllegalArgumentException("step must be positive and finite: " + h0);
        }
        double[][] a = new double[ROWS][ROWS];
        double h = h0;
        a[0][0] = central(f, x, h);
        double best = a[0][0];
        double err = Double.POSITIVE_INFINITY;
        for (int i = 1; i < ROWS; i++) {
            h *= 0.5;
            a[0][i] = central(f, x, h);
            double fac = 4.0;
            for (int j = 1; j <= i; j++) {
                // eliminate the h^(2j) term: steps differ by a factor 2, so errors by 4^j
                // (written as a correction so that huge derivatives do not overflow)
                a[j][i] = a[j - 1][i] + (a[j - 1][i] - a[j - 1][i - 1]) / (fac - 1.0);
                fac *= 4.0;
                double e = Math.max(Math.abs(a[j][i] - a[j - 1][i]), Math.abs(a[j][i] - a[j - 1][i - 1]));
                if (e <= err) {
                    err = e;
                    best = a[j][i];
                }
            }
            if (Math.abs(a[i][i] - a[i - 1][i - 1]) >= SAFE * err) {
                break; // higher orders only amplify rounding noise from here on
            }
        }
        return new Estimate(best, err);
    }

    /** Central difference using the steps actually representable around x. */
    private static double central(DoubleUnaryOperator f, double x, double h) {
        double xp = x + h;
        double xm = x - h;
        return (f.applyAsDouble(xp) - f.applyAsDouble(xm)) / (xp - xm);
    }
}
