package io.adjoint.benchmarks.workloads;

/**
 * The extended Rosenbrock function (Moré, Garbow and Hillstrom 1981, problem 21): n/2 independent
 * copies of the two-dimensional banana, f(x) = sum_i 100 (x[2i+1] - x[2i]^2)^2 + (1 - x[2i])^2.
 */
public final class Rosenbrock {
    private Rosenbrock() {
    }

    public static double extended(double[] x) {
        double f = 0;
        for (int i = 0; i + 1 < x.length; i += 2) {
            double t1 = x[i + 1] - x[i] * x[i];
            double t2 = 1 - x[i];
            f += 100 * t1 * t1 + t2 * t2;
        }
        return f;
    }

    /** The classic starting point (-1.2, 1, -1.2, 1, ...). */
    public static double[] start(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 2 == 0 ? -1.2 : 1.0;
        }
        return x;
    }
}
