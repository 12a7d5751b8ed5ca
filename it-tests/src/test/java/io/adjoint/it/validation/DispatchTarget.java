package io.adjoint.it.validation;

/** Virtual and interface dispatch: several implementations behind one interface, abstract classes, defaults. */
final class DispatchTarget {
    interface Shape {
        double area();

        default double scaled(double k) {
            return k * area();
        }

        default double perimeterRatio() {
            return perimeter() / area();
        }

        double perimeter();
    }

    abstract static class Polygon implements Shape {
        abstract double side();

        abstract int sides();

        @Override
        public double perimeter() {
            return sides() * side();
        }
    }

    static final class Square extends Polygon {
        private final double s;

        Square(double s) {
            this.s = s;
        }

        @Override
        double side() {
            return s;
        }

        @Override
        int sides() {
            return 4;
        }

        @Override
        public double area() {
            return s * s;
        }
    }

    static final class Triangle extends Polygon { // equilateral
        private final double s;

        Triangle(double s) {
            this.s = s;
        }

        @Override
        double side() {
            return s;
        }

        @Override
        int sides() {
            return 3;
        }

        @Override
        public double area() {
            return Math.sqrt(3) / 4 * s * s;
        }
    }

    static final class Circle implements Shape {
        private final double r;

        Circle(double r) {
            this.r = r;
        }

        @Override
        public double area() {
            return Math.PI * r * r;
        }

        @Override
        public double perimeter() {
            return 2 * Math.PI * r;
        }

        @Override
        public double scaled(double k) { // overrides the default
            return Shape.super.scaled(k) + r;
        }
    }

    /** Three receiver classes at each call site: sum_i shapes[i].scaled(x3) with sides x0, x1, x2. */
    static double total(double[] x) {
        Shape[] shapes = {new Square(x[0]), new Triangle(x[1]), new Circle(x[2])};
        double s = 0;
        for (Shape sh : shapes) {
            s += sh.scaled(x[3]);
        }
        return s;
    }

    /** Default methods calling abstract ones: sum perimeter/area. */
    static double ratios(double[] x) {
        Shape[] shapes = {new Circle(x[0]), new Square(x[1]), new Triangle(x[2])};
        double s = 0;
        for (Shape sh : shapes) {
            s += sh.perimeterRatio();
        }
        return s;
    }
}
