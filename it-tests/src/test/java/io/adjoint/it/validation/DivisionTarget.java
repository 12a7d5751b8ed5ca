package io.adjoint.it.validation;

import io.adjoint.Gradients;

/**
 * Target: divisions inside preaccumulated blocks (agent twin/Preaccumulation), whose reverse pass divides as little
 * as it can: a constant numerator c (a power of two or not), both operands variables, one of them passive at run
 * time, a constant divisor. Each shape twice: with the constant adjoint 1 ({@code + 0.0} makes the division a block's
 * operand, not the root) and with an adjoint computed at run time ({@code q * q}).
 */
final class DivisionTarget {
    private DivisionTarget() {
    }

    static double overOne(double r) {
        return 1.0 / r + 0.0;
    }

    static double overOneSquared(double r) {
        double q = 1.0 / r;
        return q * q;
    }

    static double overMinusOne(double r) {
        return -1.0 / r + 0.0;
    }

    static double overMinusOneSquared(double r) {
        double q = -1.0 / r;
        return q * q;
    }

    static double overTwo(double r) {
        return 2.0 / r + 0.0;
    }

    static double overTwoSquared(double r) {
        double q = 2.0 / r;
        return q * q;
    }

    static double overHalf(double r) {
        return 0.5 / r + 0.0;
    }

    static double overHalfSquared(double r) {
        double q = 0.5 / r;
        return q * q;
    }

    /** Not a power of two: dq/dr = -q / r keeps its division. */
    static double overThree(double r) {
        return 3.0 / r + 0.0;
    }

    static double overThreeSquared(double r) {
        double q = 3.0 / r;
        return q * q;
    }

    static double quotient(double[] v) {
        return v[0] / v[1] + 0.0;
    }

    static double quotientSquared(double[] v) {
        double q = v[0] / v[1];
        return q * q;
    }

    /** x / y with x passive at run time: still a variable of the block, its partial dropped. */
    static double passiveNumerator(double[] v) {
        double x = Gradients.stopGradient(v[0]);
        double q = x / v[1];
        return q * q;
    }

    /** x / y with y passive at run time. */
    static double passiveDenominator(double[] v) {
        double y = Gradients.stopGradient(v[1]);
        double q = v[0] / y;
        return q * q;
    }

    /** The same block divided by itself: x / x, one leaf on both sides. */
    static double selfQuotient(double[] v) {
        double s = v[0] * v[1];
        return s / s + s;
    }

    static double quarter(double x) {
        double q = x / 4.0;
        return q * q;
    }

    static double third(double x) {
        double q = x / 3.0;
        return q * q;
    }

    /** log's adjoint is divided by x directly. */
    static double log(double x) {
        return Math.log(x) + 0.0;
    }

    static double logSquared(double x) {
        double l = Math.log(x);
        return l * l;
    }
}
