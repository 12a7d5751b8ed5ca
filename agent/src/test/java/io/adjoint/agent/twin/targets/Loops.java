package io.adjoint.agent.twin.targets;

/** Target: for, while, do-while, labelled break and continue, with doubles live across back edges. */
public class Loops {
    public static double sum(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
        }
        return s;
    }

    public static double nested(double[] x, int n) {
        double s = 1;
        outer:
        for (int i = 0; i < n; i++) {
            int j = 0;
            while (j < i) {
                if (x[j % x.length] > s) {
                    continue outer;
                }
                s = s * 0.5 + x[j % x.length];
                j++;
            }
            do {
                s -= 1e-3;
                if (s < -10) {
                    break outer;
                }
            } while (s > 100);
        }
        return s;
    }

    public static double forEach(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = v > max ? v : max;
        }
        return max;
    }

    public static double newton(double x) {
        double y = x;
        for (int k = 0; k < 50; k++) {
            double step = (y * y - x) / (2 * y);
            y -= step;
            if (Math.abs(step) < 1e-15) {
                return y;
            }
        }
        return y;
    }
}
