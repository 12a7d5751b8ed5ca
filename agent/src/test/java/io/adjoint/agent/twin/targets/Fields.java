package io.adjoint.agent.twin.targets;

/** Target: double fields, instance and static, inherited, compound assignments, chained stores. */
public class Fields {
    public static double counter;
    protected double value;
    private double other;
    public long ticks;
    public float f;

    public static class Sub extends Fields {
        public double own;

        public double inherited(double x) {
            value = x;            // the field is declared in Fields
            own = value * 2;
            return super.value + own;
        }
    }

    public double compound(double x) {
        value += x;
        other *= value;
        counter -= other;
        ticks++;
        return value + other + counter;
    }

    public double chained(double x) {
        double a = value = other = x;           // DUP2_X1 on a long slot
        counter = a;
        return value * other * counter;
    }

    public static double ofAnother(Fields o, double x) {
        o.value = x;
        o.other = o.value * x;
        return o.other;
    }

    public double withFloat(double x) {
        f = 2.5f;
        return x * f;
    }
}
