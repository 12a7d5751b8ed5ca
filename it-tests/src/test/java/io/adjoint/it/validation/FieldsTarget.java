package io.adjoint.it.validation;

/** Instance and static double fields, read and written inside the differentiated function. */
final class FieldsTarget {
    static double scale = 2.0;   // static, passive (set before the gradient call)
    static double accumulator;   // static, written with active values inside
    static double factor;        // static, assigned an active value inside
    static double memo = 1.0;    // static, holds a value left by the previous call

    double weight = 3.0;         // instance, passive
    double state;                // instance, written with active values inside

    /** f = c w x0 + (x0^2 + x1^2) x1 with c = scale, w = weight. */
    double run(double[] x) {
        state = x[0] * weight;
        accumulator = 0;
        for (int i = 0; i < x.length; i++) {
            accumulator += x[i] * x[i];          // static read-modify-write of an active value
        }
        state *= scale;                           // instance read-modify-write
        factor = x[1];
        return state + accumulator * factor;
    }

    /** Reads what the previous call left in a static field, then overwrites it: f = memo_before * x0. */
    static double remember(double[] x) {
        double r = memo * x[0];
        memo = x[0];
        return r;
    }

    /** Compound assignments on fields of another object, through a getter and a setter. */
    static double viaAccessors(double[] x) {
        FieldsTarget t = new FieldsTarget();
        t.setState(x[0]);
        t.state += x[1];
        t.state *= t.getState();                  // (x0 + x1)^2
        t.weight = t.state / 2;                   // (x0 + x1)^2 / 2
        return t.getWeight() - t.getState() / 4;  // (x0 + x1)^2 / 4
    }

    void setState(double v) {
        state = v;
    }

    double getState() {
        return state;
    }

    double getWeight() {
        return weight;
    }
}
