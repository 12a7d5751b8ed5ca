package io.adjoint.it.validation;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;

/** Calls through java.lang.reflect: the JDK unboxes the arguments and calls the method itself. */
final class ReflectionTarget {
    final double v;

    ReflectionTarget(double v) {
        this.v = v;
    }

    static double square(double u) {
        return u * u;
    }

    /** f = x0^2 through Method.invoke. */
    static double invoke(double[] x) throws ReflectiveOperationException {
        Method m = ReflectionTarget.class.getDeclaredMethod("square", double.class);
        return (Double) m.invoke(null, x[0]);
    }

    /** f = 3 x0 through Constructor.newInstance and the field it set. */
    static double construct(double[] x) throws ReflectiveOperationException {
        Constructor<ReflectionTarget> c = ReflectionTarget.class.getDeclaredConstructor(double.class);
        return 3 * c.newInstance(x[0]).v;
    }

    static double invokeUnchecked(double[] x) {
        try {
            return invoke(x);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static double constructUnchecked(double[] x) {
        try {
            return construct(x);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
