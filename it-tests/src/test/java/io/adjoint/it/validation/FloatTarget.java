package io.adjoint.it.validation;

/** float arithmetic and float/double conversions on active values. */
final class FloatTarget {
    /** f = (double) ((float) x0 * 2f + (float) x1) * x0, computed partly in float. */
    static double mixed(double[] x) {
        float a = (float) x[0];
        float b = (float) x[1];
        float c = a * 2f + b;
        return c * x[0];
    }

    /** A float[] buffer and float fields. */
    float gain = 1.5f;
    float last;

    double buffer(double[] x) {
        float[] buf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            buf[i] = (float) x[i] * gain;
        }
        last = buf[0] / buf[1];
        double s = 0;
        for (float v : buf) {
            s += v * v;
        }
        return s + last;
    }

    /** Math on floats: (float) Math.sin((float) x0) and a float comparison. */
    static double floatMath(double[] x) {
        float a = (float) x[0];
        float s = (float) Math.sin(a);
        return a > 0.5f ? s * x[1] : -s;
    }
}
