package io.adjoint.agent.twin.targets;

/** Target: try/catch/finally, multi-catch, try-with-resources, synchronized, doubles live in handlers. */
public class Exceptions {
    private static final Object LOCK = new Object();

    public static double guarded(double[] x, int i) {
        double r = 1;
        try {
            r = x[i] * 2;
            if (r > 10) {
                throw new IllegalStateException("big " + r);
            }
        } catch (ArrayIndexOutOfBoundsException | NullPointerException e) {
            r = -1;
        } catch (IllegalStateException e) {
            r = r / 2;
        } finally {
            r += 0.5;
        }
        return r;
    }

    public static double nested(double x) {
        try {
            try {
                return 1 / check(x);
            } finally {
                x *= 2;
            }
        } catch (ArithmeticException e) {
            return x;
        }
    }

    private static double check(double x) {
        if (x == 0) {
            throw new ArithmeticException("zero");
        }
        return x;
    }

    public static double locked(double x) {
        synchronized (LOCK) {
            return x * x;
        }
    }

    public static synchronized double synchronizedMethod(double x) {
        return x + 1;
    }

    public static double resources(double x) throws Exception {
        try (AutoCloseable c = () -> { }) {
            return x * 3;
        }
    }
}
