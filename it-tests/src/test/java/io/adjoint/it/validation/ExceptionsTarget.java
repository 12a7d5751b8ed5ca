package io.adjoint.it.validation;

/** Exceptions thrown and caught inside the function, try/finally, synchronized blocks and methods. */
final class ExceptionsTarget {
    static final class Overflow extends Exception {
        private static final long serialVersionUID = 1L;
        final double partial;   // an active value carried by the exception object

        Overflow(double partial) {
            super("overflow");
            this.partial = partial;
        }
    }

    private static double checked(double v, double limit) throws Overflow {
        if (v > limit) {
            throw new Overflow(v * 0.5);
        }
        return v * v;
    }

    /** Each term either returns v^2 or throws an exception carrying v / 2, which is caught and used. */
    static double caught(double[] x) {
        double s = 0;
        for (double v : x) {
            try {
                s += checked(v, 1.0);
            } catch (Overflow e) {
                s += e.partial;
            }
        }
        return s;
    }

    /** A JVM exception (index out of bounds) caught inside, and a finally block that always adds. */
    static double finallyBlocks(double[] x) {
        double s = 0;
        for (int i = 0; i <= x.length; i++) {
            try {
                s += x[i] * x[i];          // throws at i == x.length
            } catch (ArrayIndexOutOfBoundsException e) {
                s *= 2;
            } finally {
                s += x[0];
            }
        }
        return s; // 2 * (sum x^2 + n x0) + x0 ... see the test
    }

    /** finally running on the way out of a return, changing a field the caller then reads. */
    static double state;

    private static double returnThroughFinally(double v) {
        try {
            return v * 3;
        } finally {
            state = v * v;
        }
    }

    static double finallyOnReturn(double[] x) {
        double r = returnThroughFinally(x[0]);
        return r + state * x[1]; // 3 x0 + x0^2 x1
    }

    private final Object lock = new Object();
    private double total;

    private synchronized void add(double v) {
        total += v;
    }

    /** synchronized blocks and a synchronized method: f = sum x_i^2 + 2 x0. */
    double synchronizedSum(double[] x) {
        total = 0;
        for (double v : x) {
            synchronized (lock) {
                total += v * v;
            }
        }
        add(2 * x[0]);
        synchronized (this) {
            return total;
        }
    }
}
