package io.adjoint.it.validation;

/** super calls: to an overridden method, through two levels, to an abstract class's method, to Object's. */
final class SuperTarget {
    static class A {
        double f(double x) {
            return x * x;
        }

        double g(double x) {
            return f(x) + 1;                 // virtual: dispatches to the override
        }
    }

    static class B extends A {
        @Override
        double f(double x) {
            return super.f(x) + Math.sin(x); // x^2 + sin x
        }
    }

    static class C extends B {
        @Override
        double f(double x) {
            return 2 * super.f(x);           // 2 x^2 + 2 sin x
        }

        @Override
        double g(double x) {
            return super.g(x) * x;           // (f(x) + 1) x with C's f
        }
    }

    /** Calls super methods of java.lang.Object in methods of its own, beside double methods. */
    static class WithObjectSuper {
        double k = 3;

        double value(double x) {
            return k * x * x;
        }

        @Override
        public String toString() {
            return "WithObjectSuper@" + super.hashCode() + super.toString();
        }

        @Override
        public boolean equals(Object o) {
            return super.equals(o);
        }

        @Override
        public int hashCode() {
            return super.hashCode();
        }
    }

    /** A nested class extending a JDK class: its super calls carry boxed active values in and out. */
    static final class History extends java.util.ArrayList<Double> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean add(Double d) {
            return super.add(d * 2);
        }

        double sum() {
            double s = 0;
            for (int i = 0; i < size(); i++) {
                s += super.get(i);
            }
            return s;
        }
    }

    /** f = sum 2 x_i^2. */
    static double history(double[] x) {
        History h = new History();
        for (double v : x) {
            h.add(v * v);
        }
        return h.sum();
    }

    /** f = C.g(x0) = (2 x0^2 + 2 sin x0 + 1) x0. */
    static double chain(double[] x) {
        A c = new C();
        return c.g(x[0]);
    }

    static double objectSuper(double[] x) {
        WithObjectSuper w = new WithObjectSuper();
        return w.value(x[0]);
    }
}
