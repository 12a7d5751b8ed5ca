package io.adjoint.it.validation;

/**
 * Language features newer than the JVM's instruction set: enums with constant-specific bodies, switch expressions
 * (on enums through a synthetic switch map, on strings through hashCode), instanceof patterns, sealed interfaces
 * with records, varargs, static interface methods.
 */
final class ModernJavaTarget {
    enum Op {
        ADD {
            @Override
            double apply(double a, double b) {
                return a + b;
            }
        },
        MUL {
            @Override
            double apply(double a, double b) {
                return a * b;
            }
        },
        HYPOT {
            @Override
            double apply(double a, double b) {
                return Math.hypot(a, b);
            }
        };

        abstract double apply(double a, double b);
    }

    enum Weight {
        LIGHT(0.5), HEAVY(2.0);

        final double factor; // set by the enum's constructor, before the gradient call: a constant

        Weight(double factor) {
            this.factor = factor;
        }
    }

    sealed interface Shape permits Circle, Rect {
        static double total(Shape... shapes) { // a static interface method taking varargs
            double s = 0;
            for (Shape sh : shapes) {
                s += area(sh);
            }
            return s;
        }
    }

    record Circle(double r) implements Shape {
    }

    record Rect(double w, double h) implements Shape {
    }

    static double area(Shape s) {
        if (s instanceof Circle c) {
            return Math.PI * c.r() * c.r();
        } else if (s instanceof Rect r) {
            return r.w() * r.h();
        }
        throw new IllegalArgumentException();
    }

    /** f = ADD(x0, x1) + MUL(x0, x1) * LIGHT + HYPOT(x0, x1) * HEAVY, through constant-specific bodies. */
    static double enums(double[] x) {
        double s = 0;
        for (Op op : Op.values()) {
            double w = switch (op) {
                case ADD -> 1.0;
                case MUL -> Weight.LIGHT.factor;
                case HYPOT -> Weight.HEAVY.factor;
            };
            s += w * op.apply(x[0], x[1]);
        }
        return s;
    }

    /** A switch expression on strings choosing the formula: f = 2 x0 + x1^2 + sin(x0). */
    static double strings(double[] x) {
        double s = 0;
        for (String name : new String[] {"twice", "square", "sine"}) {
            s += switch (name) {
                case "twice" -> 2 * x[0];
                case "square" -> x[1] * x[1];
                default -> Math.sin(x[0]);
            };
        }
        return s;
    }

    /** Sealed records matched with instanceof patterns, through a varargs static interface method. */
    static double patterns(double[] x) {
        return Shape.total(new Circle(x[0]), new Rect(x[1], x[2]), new Rect(x[0], x[0]));
    }
}
