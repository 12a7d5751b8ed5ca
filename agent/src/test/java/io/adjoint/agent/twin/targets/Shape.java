package io.adjoint.agent.twin.targets;

/** Target: an interface with an abstract, a default, a static and a private method. */
public interface Shape {
    double area(double x);

    default double twice(double x) {
        return 2 * area(x) + half(x);
    }

    private double half(double x) {
        return area(x) / 2;
    }

    static double unit() {
        return 1.0;
    }
}
