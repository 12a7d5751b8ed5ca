package io.adjoint.it.validation;

/** double[] and double[][] held in fields: set before (constants) and written inside (active). */
final class ArrayFieldsTarget {
    /** Set before the gradient call: passive. */
    final double[] coefficients = {1.5, -0.5, 2.0};
    final double[][] matrix = {{2.0, 1.0}, {-1.0, 3.0}};
    /** Written inside the function. */
    double[] buffer = new double[3];
    double[][] grid;
    static double[] shared = new double[2];

    /** f = sum c_i x_i^2 + x^T M x (with x = (x0, x1)), through buffer fields. */
    double run(double[] x) {
        for (int i = 0; i < 3; i++) {
            buffer[i] = x[i] * x[i];
        }
        grid = new double[2][];
        grid[0] = new double[] {x[0], x[1]};
        grid[1] = buffer;                         // a row aliasing another field's array
        shared[0] = x[0];
        shared[1] = x[1];
        double s = 0;
        for (int i = 0; i < 3; i++) {
            s += coefficients[i] * grid[1][i];
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                s += shared[i] * matrix[i][j] * grid[0][j];
            }
        }
        return s;
    }
}
