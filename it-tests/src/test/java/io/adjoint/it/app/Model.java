package io.adjoint.it.app;

/** An object with state: its loss is an instance method over a field and a double[] argument. */
public final class Model {
    private final double weight;

    public Model(double weight) {
        this.weight = weight;
    }

    /** weight * sum (theta[i] - i)^2: gradient 2 weight (theta[i] - i). */
    public double loss(double[] theta) {
        double s = 0;
        for (int i = 0; i < theta.length; i++) {
            double d = theta[i] - i;
            s += d * d;
        }
        return weight * s;
    }
}
