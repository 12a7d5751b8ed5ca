package io.adjoint.benchmarks.workloads;

import java.util.Random;

/**
 * A two-layer perceptron, in -> hidden (tanh) -> classes, with the mean softmax cross-entropy over a
 * mini-batch. Parameters packed as {@code [W1 (hidden x in) | b1 (hidden) | W2 (classes x hidden) | b2]}.
 */
public final class Mlp {
    private Mlp() {
    }

    public static int parameterCount(int in, int hidden, int classes) {
        return hidden * in + hidden + classes * hidden + classes;
    }

    public static double loss(double[] w, double[] xs, int[] labels, int in, int hidden, int classes) {
        int batch = labels.length;
        int b1 = hidden * in;
        int w2 = b1 + hidden;
        int b2 = w2 + classes * hidden;
        double[] h = new double[hidden];
        double[] z = new double[classes];
        double total = 0;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < hidden; j++) {
                double s = w[b1 + j];
                for (int i = 0; i < in; i++) {
                    s += w[j * in + i] * xs[b * in + i];
                }
                h[j] = Math.tanh(s);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double s = w[b2 + c];
                for (int j = 0; j < hidden; j++) {
                    s += w[w2 + c * hidden + j] * h[j];
                }
                z[c] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(z[c] - max);
            }
            total += Math.log(sum) + max - z[labels[b]];
        }
        return total / batch;
    }

    /** Network shape, mini-batch and parameters, from a fixed seed. */
    public record Instance(int in, int hidden, int classes, double[] w, double[] xs, int[] labels) {
        public double value(double[] p) {
            return loss(p, xs, labels, in, hidden, classes);
        }
    }

    /** "small": 8-16-3, batch 16 (195 parameters); "medium": 64-128-10, batch 32 (9,610 parameters). */
    public static Instance instance(String size) {
        return switch (size) {
            case "small" -> instance(8, 16, 3, 16);
            case "medium" -> instance(64, 128, 10, 32);
            default -> throw new IllegalArgumentException("size " + size);
        };
    }

    public static Instance instance(int in, int hidden, int classes, int batch) {
        Random rnd = new Random(7L * in + hidden);
        double[] w = new double[parameterCount(in, hidden, classes)];
        double s1 = 1 / Math.sqrt(in);
        double s2 = 1 / Math.sqrt(hidden);
        for (int i = 0; i < hidden * in; i++) {
            w[i] = s1 * rnd.nextGaussian();
        }
        for (int i = hidden * in + hidden; i < w.length - classes; i++) {
            w[i] = s2 * rnd.nextGaussian();
        }
        double[] xs = new double[batch * in];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = rnd.nextGaussian();
        }
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = rnd.nextInt(classes);
        }
        return new Instance(in, hidden, classes, w, xs, labels);
    }
}
