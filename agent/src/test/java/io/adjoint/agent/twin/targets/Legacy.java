package io.adjoint.agent.twin.targets;

/** Target: an abstract class with abstract and native methods (no twins) beside ordinary ones. */
public abstract class Legacy {
    public abstract double abstractMethod(double x);

    public native double nativeMethod(double x);

    public double concrete(double x) {
        return abstractMethod(x) + x;
    }

    static {
        System.getProperty("legacy.init");
    }
}
