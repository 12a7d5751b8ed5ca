package io.adjoint.it;

/** Objects, fields, virtual and interface dispatch, super calls and default methods, to be differentiated. */
final class Shapes {
    private Shapes() {
    }

    interface Term {
        double eval(double x);

        default double squared(double x) {
            double v = eval(x);
            return v * v;
        }
    }

    static final class Square implements Term {
        @Override
        public double eval(double x) {
            return x * x;
        }
    }

    /** Holds a passive coefficient set outside the differentiated code. */
    static final class Scaled implements Term {
        private final double k;

        Scaled(double k) {
            this.k = k;
        }

        @Override
        public double eval(double x) {
            return k * x;
        }
    }

    abstract static class Base implements Term {
        abstract double f(double x);

        double twice(double x) {
            return 2 * f(x);
        }

        @Override
        public double eval(double x) {
            return twice(x) - f(x);
        }
    }

    static class Exp extends Base {
        @Override
        double f(double x) {
            return Math.exp(x);
        }
    }

    static final class ExpPlusX extends Exp {
        @Override
        double f(double x) {
            return super.f(x) + x;
        }
    }

    /** A mutable 2-vector: double fields written with active values inside the differentiated code. */
    static final class Vec {
        double x;
        double y;

        double norm() {
            return Math.sqrt(x * x + y * y);
        }

        void scale(double k) {
            x *= k;
            y *= k;
        }

        Vec plus(Vec o) {
            Vec r = new Vec();
            r.x = x + o.x;
            r.y = y + o.y;
            return r;
        }
    }

    /** A static double field used as a scratch variable. */
    static double scratch;

    private static final Term[] TERMS = {new Square(), new Scaled(3.0), new Exp(), new ExpPlusX()};

    /** Sum over several implementations of an interface, chosen at run time. */
    static double polymorphic(double[] x) {
        double sum = 0;
        for (int i = 0; i < TERMS.length; i++) {
            Term t = TERMS[i];
            sum += t.eval(x[i]) + 0.25 * t.squared(x[i]);
        }
        return sum;
    }

    static double fields(double[] x) {
        Vec a = new Vec();
        a.x = x[0];
        a.y = x[1];
        Vec b = new Vec();
        b.x = x[1];
        b.y = 2;
        Vec c = a.plus(b);
        c.scale(x[0]);
        scratch = c.norm();
        double r = scratch * scratch + scratch;
        scratch = 0;                 // the field ends passive
        return r + scratch;
    }
}
