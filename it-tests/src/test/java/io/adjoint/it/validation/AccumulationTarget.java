package io.adjoint.it.validation;

/**
 * Loop-carried sums ({@code s += term}), whose twins extend the accumulator's tape node iteration after iteration
 * (agent twin/Preaccumulation, core Tape.endAccumulate) as long as nobody else can hold the old sum: the shapes
 * where that could go wrong. AccumulationTest has the expected gradients.
 */
final class AccumulationTarget {
    private AccumulationTarget() {
    }

    /** f = sum (i + 1/2) x_i: a dot product with constant weights. */
    static double weighted(double[] x) {
        double[] w = new double[x.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = i + 0.5;
        }
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += w[i] * x[i];
        }
        return s;
    }

    /** f = sum x_i^3 (also past 127 iterations: one node holds at most 127 arguments). */
    static double cubes(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i] * x[i];
        }
        return s;
    }

    /** Rosenbrock's sum: two arguments per iteration. */
    static double rosenbrock(double[] x) {
        double f = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double t1 = x[i + 1] - x[i] * x[i];
            double t2 = 1 - x[i];
            f += 100 * t1 * t1 + t2 * t2;
        }
        return f;
    }

    /** f = x_0 - sum_i x_i^2 / 2: the accumulator minus the term, starting from an active value. */
    static double subtracted(double[] x) {
        double s = x[0];
        for (int i = 0; i < x.length; i++) {
            s = s - x[i] * x[i] * 0.5;
        }
        return s;
    }

    /** f = 3 + sum_i x_i x_{n-1-i}: the term on the left, the accumulator on the right. */
    static double onTheRight(double[] x) {
        double s = 3;
        for (int i = 0; i < x.length; i++) {
            s = x[i] * x[x.length - 1 - i] + s;
        }
        return s;
    }

    /**
     * A copy of the sum taken at the start of each iteration: s = sum x_i^2, t = sum_i S_{i-1} x_i (S_{i-1} the sum
     * before iteration i); f = s + t. Each copy must keep the value and derivative it had.
     */
    static double copiedEachIteration(double[] x) {
        double s = 0;
        double t = 0;
        for (int i = 0; i < x.length; i++) {
            double prev = s;
            s += x[i] * x[i];
            t += prev * x[i];
        }
        return s + t;
    }

    /** A copy kept past the loop: mid = x_0^2 + x_1^2 + x_2^2 (taken in another basic block), f = s * mid. */
    static double copyKeptPastTheLoop(double[] x) {
        double s = 0;
        double mid = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
            if (i == 2) {
                mid = s;
            }
        }
        return s * mid;
    }

    /** The sum stored into an array element mid-loop (out[i] = the partial sums), f = sum_i out[i] x_i. */
    static double partialSumsInAnArray(double[] x) {
        double[] out = new double[x.length];
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
            out[i] = s;
        }
        double f = 0;
        for (int i = 0; i < x.length; i++) {
            f += out[i] * x[i];
        }
        return f;
    }

    /**
     * Nested loops, the outer one reading the sum between inner runs: after round r, s = c_r Q with Q = sum x_i^2
     * and c_r = (r + 1)(r + 2) / 2; f = sum_{r < 3} c_r Q x_r.
     */
    static double readBetweenInnerRuns(double[] x) {
        double s = 0;
        double t = 0;
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < x.length; i++) {
                s += x[i] * x[i] * (r + 1);
            }
            t += s * x[r];
        }
        return t;
    }

    /** As above, the sums after each round kept in locals (no node recorded in between): f = sum_r c_r Q x_r. */
    static double keptBetweenInnerRuns(double[] x) {
        double s = 0;
        double a = 0;
        double b = 0;
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < x.length; i++) {
                s += x[i] * x[i] * (r + 1);
            }
            if (r == 0) {
                a = s;
            } else if (r == 1) {
                b = s;
            }
        }
        return a * x[0] + b * x[1] + s * x[2];
    }

    /**
     * The sum restarted from an input each round, the old one dropped unread and nothing recorded in between (its node
     * is still the last one, but the local no longer holds it): f = x_1 + sum x_i^2.
     */
    static double restartedFromAnElement(double[] x) {
        double s = 0;
        for (int r = 0; r < 2; r++) {
            s = x[r];
            for (int i = 0; i < x.length; i++) {
                s += x[i] * x[i];
            }
        }
        return s;
    }

    /** An MLP layer's shape: the accumulator starts from another value each round, then goes through tanh. */
    static double layer(double[] x) {
        int n = x.length;
        double out = 0;
        for (int j = 0; j < 3; j++) {
            double s = x[j];
            for (int i = 0; i < n; i++) {
                s += x[i] * x[(i + j) % n];
            }
            out += Math.tanh(s);
        }
        return out;
    }

    /** Other nodes between the iterations (a running product, a single operation): f = sum x_i^2 + prod x_i. */
    static double interleavedWithAProduct(double[] x) {
        double s = 0;
        double p = 1;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
            p = p * x[i];
        }
        return s + p;
    }

    /** Two accumulators in one loop, each recorded between the other's iterations: f = (sum x_i^2) (sum x_i). */
    static double twoAccumulators(double[] x) {
        double s = 0;
        double t = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
            t += x[i];
        }
        return s * t;
    }

    /** f = sum x_i: a single addition per iteration. */
    static double plainSum(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
        }
        return s;
    }

    /** Two accumulation statements into one local in different blocks: f = sum x_i^2 + sum_{i even} 3 x_i. */
    static double twoSitesOneLocal(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
            if (i % 2 == 0) {
                s += 3 * x[i];
            }
        }
        return s;
    }

    /** Not an accumulation (the sum is also in the term, its partial is 1 + x_i): f = prod (1 + x_i). */
    static double readInTheTerm(double[] x) {
        double s = 1;
        for (int i = 0; i < x.length; i++) {
            s = s + s * x[i];
        }
        return s;
    }

    /** Not an accumulation (partial -1): s_i = x_i^2 - s_{i-1}. */
    static double subtractedFrom(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s = x[i] * x[i] - s;
        }
        return s;
    }
}
