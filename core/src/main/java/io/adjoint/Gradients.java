package io.adjoint;

import io.adjoint.internal.Engine;
import io.adjoint.internal.Ops;
import io.adjoint.internal.Sweeps;
import io.adjoint.internal.Tape;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * Entry points: exact derivatives of ordinary Java code.
 *
 * <pre>{@code
 * Gradient g = Gradients.of(x -> x[0] * x[1] + Math.sin(x[0]));
 * double[] grad = g.at(1.0, 2.0);        // {2 + cos 1, 1}
 * }</pre>
 *
 * The function may call any code of the application: Adjoint records the operations it performs
 * by running an instrumented twin of that code, then sweeps over the recording: backwards for
 * gradients and vector-Jacobian products (reverse mode), forwards for Jacobian-vector products
 * (forward mode), and forward-over-reverse for exact Hessians. All modes share one recording scheme.
 */
public final class Gradients {
    private Gradients() {
    }

    private static final MethodType SCALAR = MethodType.methodType(long.class, double[].class, Tape.class);
    private static final MethodType UNIVARIATE = MethodType.methodType(long.class, long.class, Tape.class);
    private static final MethodType VECTOR = MethodType.methodType(double[].class, double[].class, Tape.class);

    /** The gradient of {@code f} by reverse mode (one recording and one reverse sweep per call). */
    public static Gradient of(ScalarFunction f) {
        Engine engine = Engine.get();
        MethodHandle twin = engine.twinOf(f, "apply", "([D)D").asType(SCALAR);
        return new ReverseGradient(twin, !engine.argumentMayEscape(f, "apply", "([D)D", 0));
    }

    /** The derivative of a function of one variable. */
    public static Derivative derivative(UnivariateFunction f) {
        MethodHandle twin = Engine.get().twinOf(f, "apply", "(D)D").asType(UNIVARIATE);
        return x -> {
            Tape t = Tape.open();
            try {
                long r = (long) twin.invokeExact(t.input(x), t);
                return t.gradient(r, 1)[0];
            } catch (Throwable e) {
                throw Gradients.<RuntimeException>rethrow(e);
            } finally {
                t.close();
            }
        };
    }

    /**
     * Returns {@code x} unchanged, but as a constant: no derivative flows through it (JAX's stop_gradient,
     * PyTorch's detach).
     */
    public static double stopGradient(double x) {
        return x;
    }

    /** Keeps the pool of the thread that last called it (Tape.PoolCache): no thread-local lookup per call. */
    private static final class ReverseGradient extends Tape.PoolCache implements Gradient {
        private final MethodHandle twin;
        /** The function keeps nothing of its argument: the input copy can be the thread's reused one. */
        private final boolean reuseInput;

        ReverseGradient(MethodHandle twin, boolean reuseInput) {
            this.twin = twin;
            this.reuseInput = reuseInput;
        }

        private long record(double[] x, Tape t) throws Throwable {
            if (reuseInput) {
                double[] xs = t.reusedInputCopy(x);
                t.privateInput(xs);
                return (long) twin.invokeExact(xs, t);
            }
            return recordScalar(twin, x, t);
        }

        @Override
        public double[] at(double... x) {
            Tape t = Tape.open(this);
            try {
                return t.gradient(record(x, t), x.length);
            } catch (Throwable e) {
                throw Gradients.<RuntimeException>rethrow(e);
            } finally {
                t.close();
            }
        }

        @Override
        public ValueAndGradient valueAndGradient(double... x) {
            Tape t = Tape.open(this);
            try {
                long r = record(x, t);
                return new ValueAndGradient(t.primal(r), t.gradient(r, x.length));
            } catch (Throwable e) {
                throw Gradients.<RuntimeException>rethrow(e);
            } finally {
                t.close();
            }
        }

        @Override
        public double valueAndGradientInto(double[] x, double[] gradient) {
            if (gradient.length != x.length) {
                throw new IllegalArgumentException("gradient has length " + gradient.length + ", x has " + x.length);
            }
            Tape t = Tape.open(this);
            try {
                long r = record(x, t);
                double value = t.primal(r);
                t.gradientInto(r, gradient);
                return value;
            } catch (Throwable e) {
                throw Gradients.<RuntimeException>rethrow(e);
            } finally {
                t.close();
            }
        }
    }

    /**
     * The gradient of {@code f} by forward mode: one recording, then tangent sweeps carrying
     * {@value Sweeps#BLOCK} input directions each. Same result as {@link #of}; cheaper only for few inputs.
     */
    public static Gradient forward(ScalarFunction f) {
        MethodHandle twin = scalarTwin(f);
        return new Gradient() {
            @Override
            public double[] at(double... x) {
                return valueAndGradient(x).gradient();
            }

            @Override
            public ValueAndGradient valueAndGradient(double... x) {
                Tape t = Tape.open();
                try {
                    long r = recordScalar(twin, x, t);
                    long[] out = {r};
                    double[] g = new double[x.length];
                    int k = Math.min(Sweeps.BLOCK, Math.max(1, x.length));
                    for (int b = 0; b < x.length; b += k) {
                        double[] dot = Sweeps.tangents(t, x.length, unitBlock(x.length, b, k), k, out);
                        System.arraycopy(dot, 0, g, b, Math.min(k, x.length - b));
                    }
                    return new ValueAndGradient(t.primal(r), g);
                } catch (Throwable e) {
                    throw Gradients.<RuntimeException>rethrow(e);
                } finally {
                    t.close();
                }
            }
        };
    }

    /** The Jacobian of {@code f}, by forward or reverse mode, whichever needs fewer sweeps ({@link Mode#AUTO}). */
    public static Jacobian jacobian(VectorFunction f) {
        return jacobian(f, Mode.AUTO);
    }

    /**
     * The Jacobian of {@code f}: one recording, then sweeps in blocks of {@value Sweeps#BLOCK}: tangent
     * sweeps over the columns ({@link Mode#FORWARD}, about n / {@value Sweeps#BLOCK} sweeps) or adjoint
     * sweeps over the rows ({@link Mode#REVERSE}, about m / {@value Sweeps#BLOCK}); {@link Mode#AUTO}
     * takes forward when n &lt;= m.
     */
    public static Jacobian jacobian(VectorFunction f, Mode mode) {
        java.util.Objects.requireNonNull(mode, "mode");
        MethodHandle twin = vectorTwin(f);
        return x -> {
            Tape t = Tape.open();
            try {
                return denseJacobian(t, recordVector(twin, x, t), x.length, mode);
            } catch (Throwable e) {
                throw Gradients.<RuntimeException>rethrow(e);
            } finally {
                t.close();
            }
        };
    }

    /** The m x n Jacobian of a recording with outputs {@code out}: sweeps of {@value Sweeps#BLOCK} directions each. */
    private static double[][] denseJacobian(Tape t, long[] out, int n, Mode mode) {
        int m = out.length;
        double[][] jac = new double[m][n];
        boolean forward = mode == Mode.FORWARD || (mode == Mode.AUTO && n <= m);
        if (forward) {
            int k = Math.min(Sweeps.BLOCK, Math.max(1, n));
            for (int b = 0; b < n; b += k) {
                double[] dot = Sweeps.tangents(t, n, unitBlock(n, b, k), k, out);
                for (int r = 0; r < m; r++) {
                    System.arraycopy(dot, r * k, jac[r], b, Math.min(k, n - b));
                }
            }
        } else {
            int k = Math.min(Sweeps.BLOCK, Math.max(1, m));
            for (int b = 0; b < m; b += k) {
                double[] bar = Sweeps.adjoints(t, out, unitBlock(m, b, k), k, n);
                for (int d = 0; d < k && b + d < m; d++) {
                    double[] row = jac[b + d];
                    for (int i = 0; i < n; i++) {
                        row[i] = bar[i * k + d];
                    }
                }
            }
        }
        return jac;
    }

    /**
     * The Jacobian of {@code f} at {@code x} as an operator for many products {@code J(x) v} and {@code J(x)^T u}:
     * one recording now, then one sweep per product, each what a {@link #jvp} or {@link #vjp} call costs without
     * its recording. {@code x} is not modified.
     */
    public static JacobianOperator jacobianAt(VectorFunction f, double[] x) {
        MethodHandle twin = vectorTwin(f);
        Tape t = Tape.open();
        try {
            long[] out = recordVector(twin, x, t);
            double[] y = new double[out.length];
            for (int r = 0; r < y.length; r++) {
                y[r] = t.primal(out[r]);
            }
            return new RecordedJacobian(t.detached(), out, x.length, y);
        } catch (Throwable e) {
            throw Gradients.<RuntimeException>rethrow(e);
        } finally {
            t.close();
        }
    }

    /** A recording of a vector function kept for products (sweeps never change it). */
    private static final class RecordedJacobian implements JacobianOperator {
        private final Tape tape;
        private final long[] out;
        private final int n;
        private final double[] y;

        RecordedJacobian(Tape tape, long[] out, int n, double[] y) {
            this.tape = tape;
            this.out = out;
            this.n = n;
            this.y = y;
        }

        @Override
        public int inputs() {
            return n;
        }

        @Override
        public int outputs() {
            return out.length;
        }

        @Override
        public double[] value() {
            return y.clone();
        }

        @Override
        public synchronized double[] times(double[] v) { // the sweeps' work arrays are the kept tape's
            checkLength("v", v, n);
            return Sweeps.tangents(tape, n, v, 1, out);
        }

        @Override
        public synchronized double[] transposeTimes(double[] u) {
            checkLength("u", u, out.length);
            return Sweeps.adjoints(tape, out, u, 1, n);
        }

        @Override
        public synchronized double[][] matrix() {
            return denseJacobian(tape, out, n, Mode.AUTO);
        }
    }

    /** The Jacobian-vector product J(x) v by one forward (tangent) sweep; J is never formed. */
    public static double[] jvp(VectorFunction f, double[] x, double[] v) {
        checkLength("v", v, x.length);
        MethodHandle twin = vectorTwin(f);
        Tape t = Tape.open();
        try {
            long[] out = recordVector(twin, x, t);
            return Sweeps.tangents(t, x.length, v.clone(), 1, out);
        } catch (Throwable e) {
            throw Gradients.<RuntimeException>rethrow(e);
        } finally {
            t.close();
        }
    }

    /** The vector-Jacobian product u^T J(x) by one reverse (adjoint) sweep; J is never formed. */
    public static double[] vjp(VectorFunction f, double[] x, double[] u) {
        MethodHandle twin = vectorTwin(f);
        Tape t = Tape.open();
        try {
            long[] out = recordVector(twin, x, t);
            checkLength("u", u, out.length);
            return Sweeps.adjoints(t, out, u.clone(), 1, x.length);
        } catch (Throwable e) {
            throw Gradients.<RuntimeException>rethrow(e);
        } finally {
            t.close();
        }
    }

    /**
     * The exact Hessian of {@code f}: one second-order recording (local second derivatives alongside the
     * partials), one reverse sweep for the adjoints, then forward-over-reverse sweeps carrying
     * {@value Sweeps#BLOCK} directions each. The result is symmetrised.
     */
    public static Hessian hessian(ScalarFunction f) {
        MethodHandle twin = scalarTwin(f);
        return x -> {
            Tape t = Tape.open(true);
            try {
                long r = recordScalar(twin, x, t);
                return denseHessian(t, Sweeps.adjoint(t, r), r, x.length);
            } catch (Throwable e) {
                throw Gradients.<RuntimeException>rethrow(e);
            } finally {
                t.close();
            }
        };
    }

    /**
     * The n x n Hessian from a second-order recording and its first-order adjoints {@code adj} (null: the value does
     * not depend on x): forward-over-reverse sweeps of {@value Sweeps#BLOCK} unit directions each, symmetrised.
     */
    private static double[][] denseHessian(Tape t, double[] adj, long r, int n) {
        double[][] h = new double[n][n];
        if (adj == null) {
            return h;
        }
        int k = Math.min(Sweeps.BLOCK, Math.max(1, n));
        for (int b = 0; b < n; b += k) {
            double[] hv = Sweeps.hessianTimes(t, adj, r, n, unitBlock(n, b, k), k);
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < k && b + d < n; d++) {
                    h[i][b + d] = hv[i * k + d];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0.5 * (h[i][j] + h[j][i]);
                h[i][j] = s;
                h[j][i] = s;
            }
        }
        return h;
    }

    /**
     * The Hessian-vector product H(x) v, exact, without forming H: one second-order recording, one tangent
     * sweep and one forward-over-reverse sweep (Sweeps.hvp). Its cost does not grow with the number of inputs:
     * 3-13 gradients on the benchmark suite (the second-order recording keeps a node per operation, where a
     * gradient's tape folds blocks and loop sums; BENCHMARKS.md "Second order"). For many products at one point
     * (Newton-CG), {@link #hessianAt} records once.
     */
    public static double[] hvp(ScalarFunction f, double[] x, double[] v) {
        checkLength("v", v, x.length);
        MethodHandle twin = scalarTwin(f);
        Tape t = Tape.open(true);
        try {
            return Sweeps.hvp(t, recordScalar(twin, x, t), x.length, v);
        } catch (Throwable e) {
            throw Gradients.<RuntimeException>rethrow(e);
        } finally {
            t.close();
        }
    }

    /**
     * The Hessian of {@code f} at {@code x} as an operator for many products {@code H(x) v}: one second-order
     * recording and one reverse sweep now (which give the value and the gradient as well), then per product a
     * tangent sweep and one reverse sweep, a quarter to a half of a {@link #hvp} call on the benchmark suite
     * (benchmarks/where-the-time-goes.md). {@code x} is not modified.
     */
    public static HessianOperator hessianAt(ScalarFunction f, double[] x) {
        MethodHandle twin = scalarTwin(f);
        Tape t = Tape.open(true);
        try {
            long r = recordScalar(twin, x, t);
            return new RecordedHessian(t.detached(), r, x.length, t.primal(r));
        } catch (Throwable e) {
            throw Gradients.<RuntimeException>rethrow(e);
        } finally {
            t.close();
        }
    }

    /** A second-order recording kept for products: its first-order adjoints are swept once, here. */
    private static final class RecordedHessian implements HessianOperator {
        private final Tape tape;
        private final long output;
        private final int n;
        private final double value;
        /** The adjoints of every node (null when the value does not depend on x); the gradient is the first n. */
        private final double[] adj;

        RecordedHessian(Tape tape, long output, int n, double value) {
            this.tape = tape;
            this.output = output;
            this.n = n;
            this.value = value;
            this.adj = Sweeps.adjoint(tape, output);
        }

        @Override
        public int dimension() {
            return n;
        }

        @Override
        public double value() {
            return value;
        }

        @Override
        public double[] gradient() {
            double[] g = new double[n];
            if (adj != null) {
                System.arraycopy(adj, 0, g, 0, Math.min(n, adj.length)); // inputs above the output: 0
            }
            return g;
        }

        @Override
        public double[] times(double[] v) {
            return times(v, new double[n]);
        }

        @Override
        public synchronized double[][] matrix() {
            return denseHessian(tape, adj, output, n);
        }

        @Override
        public double[] times(double[] v, double[] out) {
            checkLength("v", v, n);
            checkLength("out", out, n);
            if (out == v) {
                throw new IllegalArgumentException("out must not be v: v is read while out is written");
            }
            if (adj == null) {
                Arrays.fill(out, 0.0);
                return out;
            }
            synchronized (this) { // the sweeps' work arrays are the kept tape's
                Sweeps.hvp(tape, adj, output, n, v, out);
            }
            return out;
        }
    }

    // ---- recording ---------------------------------------------------------------------------------

    private static MethodHandle scalarTwin(ScalarFunction f) {
        return Engine.get().twinOf(f, "apply", "([D)D").asType(SCALAR);
    }

    private static MethodHandle vectorTwin(VectorFunction f) {
        return Engine.get().twinOf(f, "apply", "([D)[D").asType(VECTOR);
    }

    /** Runs the twin on a seeded copy of {@code x} (inputs are nodes 0..n-1); returns the result's slot. */
    private static long recordScalar(MethodHandle twin, double[] x, Tape t) throws Throwable {
        return recordOnCopy(twin, copy(x), t);
    }

    /** Runs the twin on {@code xs}, a copy of the input that only this recording sees, seeded first. */
    private static long recordOnCopy(MethodHandle twin, double[] xs, Tape t) throws Throwable {
        Ops.seed(xs, t);
        return (long) twin.invokeExact(xs, t);
    }

    /** Runs the twin on a seeded copy of {@code x}; returns the slots of the result's elements. */
    private static long[] recordVector(MethodHandle twin, double[] x, Tape t) throws Throwable {
        double[] xs = copy(x);
        Ops.seed(xs, t);
        double[] y = (double[]) twin.invokeExact(xs, t);
        long[] out = new long[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = Ops.slotOf(y, i, t);
        }
        return out;
    }

    /** Seeds for unit directions {@code b .. b+k-1} of an n-space, laid out {@code [i * k + d]}. */
    private static double[] unitBlock(int n, int b, int k) {
        double[] seed = new double[n * k];
        for (int d = 0; d < k && b + d < n; d++) {
            seed[(b + d) * k + d] = 1.0;
        }
        return seed;
    }

    private static void checkLength(String name, double[] a, int expected) {
        if (a.length != expected) {
            throw new IllegalArgumentException(name + " has length " + a.length + ", expected " + expected);
        }
    }

    /**
     * The input copy (x is not modified, and the function may keep the array it gets): a few elements by a loop
     * (Tape.copyFew), more by Arrays.copyOf (not clone(): C2 left that to a VM call zeroing first).
     */
    static double[] copy(double[] x) {
        return x.length > 8 ? Arrays.copyOf(x, x.length) : Tape.copyFew(x, x.length);
    }

    /** Rethrows any throwable unchanged (checked ones included), so the caller sees what the function threw. */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> E rethrow(Throwable e) throws E {
        throw (E) e;
    }
}
