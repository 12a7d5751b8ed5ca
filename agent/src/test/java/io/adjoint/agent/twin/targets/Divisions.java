package io.adjoint.agent.twin.targets;

/**
 * Target: divisions in preaccumulated blocks (TwinGeneratorTest.divisionsTakeOneDivisionEach counts the DDIVs of each
 * generated method; it-tests' DivisionTest checks the derivatives of the same shapes).
 */
public class Divisions {
    /** Lennard-Jones' s2 = sigma^2 / r2 with sigma^2 = 1: the forward division only, dq/dr2 = -q * q. */
    public static double reciprocal(double x, double y) {
        double s2 = 1.0 / (x * x + y * y);
        return s2 * s2 * s2;
    }

    /** Both operands variables: the forward division and one for both partials (a / y, then -(a / y) * q). */
    public static double quotient(double x, double y) {
        double q = x / y;
        return q * q;
    }

    /** A numerator that is not a power of two: dq/dr = -q / r keeps its division. */
    public static double overThree(double r) {
        double q = 3.0 / r;
        return q * q;
    }

    /** A constant power-of-two divisor: dq/dx = 1 / 4 is a constant, no division. */
    public static double quarter(double x) {
        double q = x / 4.0;
        return q * q;
    }
}
