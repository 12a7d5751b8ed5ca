package io.adjoint.it.fuzz;

import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import io.adjoint.ValueAndGradient;
import io.adjoint.internal.Engine;
import io.adjoint.internal.Ops;
import io.adjoint.internal.Slot;
import io.adjoint.internal.Tape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Differential fuzzing: random programs ({@link ProgramGenerator}) compiled with javac in this JVM, loaded with a
 * URLClassLoader, and differentiated as they are. For each program and test point:
 * <ol>
 *   <li>reverse mode ({@link Gradients#of}) and forward mode ({@link Gradients#forward}) record the value the plain
 *       program computes, bit for bit;</li>
 *   <li>forward equals reverse, to {@link #MODES} times the sum of the magnitudes of the terms summed;</li>
 *   <li>both equal Richardson-extrapolated central differences of the plain program, to {@link #FD_REL}, for each
 *       coordinate along which the program takes the same path (its trace of comparisons and kinks) at all the
 *       points the differences use; other coordinates are counted as skipped, not compared.</li>
 * </ol>
 * Properties: {@code adjoint.fuzz.programs} (default 1000; the Maven profile fuzz-long sets 100000),
 * {@code adjoint.fuzz.seed} (default {@value #DEFAULT_SEED}), {@code adjoint.fuzz.programSeed} (one program only,
 * its source printed: the way to reproduce a failure).
 */
class DifferentialFuzzTest {
    static final long DEFAULT_SEED = 20240607L;
    private static final int BATCH = 1000;
    private static final int POINTS = 2;
    private static final int MAX_REPORTED = 3;

    /**
     * Forward against reverse: the same recorded partials summed in another order (tangents forwards, adjoints
     * backwards). Each result is a sum over the paths of the recording of products of partials, so the two differ
     * by rounding bounded by (path length + number of terms) eps times A_i, the sum of the magnitudes of those
     * products ({@link #absoluteGradient}): the scale that matters where terms cancel (a gradient of 1e-10 made of
     * terms of 0.1 that cancel differs between the modes by eps * 0.1, relatively 1e-7). 1e-12 A_i is ~4500 eps.
     */
    static final double MODES = 1e-12;
    /**
     * Central differences at h, h/2, h/4 with two Richardson steps: truncation O(h^6 f^(7)). The estimate is accepted
     * only once it has settled (the last two extrapolation levels agree to {@link #SETTLED}), trying h = 1e-3, 1e-4,
     * 1e-5 times max(|x_i|, 0.1) in turn; a program too oscillatory for all three (sin of a large argument) is
     * counted as unresolved, not compared. A settled estimate is then within about its own settling error, so AD
     * must agree to FD_REL relative (ten times the settling criterion) plus the rounding of the differences.
     */
    static final double FD_REL = 1e-6;
    static final double SETTLED = 1e-7;
    /**
     * Rounding in the differences: each evaluation of a generated program (up to a few hundred operations on values
     * about as large as f) carries an error up to ~1e-13 max(|f|, 1); the extrapolated central difference combines
     * six of them with weights summing to ~7 / h: 1e-12 max(|f|, 1) / h.
     */
    static final double ROUNDING = 1e-12;
    /** Programs whose value leaves [-1e6, 1e6] at a test point are rejected (overflowing compositions). */
    private static final double MAX_VALUE = 1e6;

    private final Stats stats = new Stats();

    static final class Stats {
        int programs, rejected, points, fdCompared, fdKinks, fdUnresolved;
        double worstModes, worstFd;
        String worstModesAt = "", worstFdAt = "";
        String current = "";
        long compileNanos;
        final List<String> failures = new ArrayList<>();
    }

    static long programSeed(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1); // SplitMix64 finaliser: well-spread seeds per index
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Test
    void reverseForwardAndFiniteDifferencesAgree(@TempDir Path dir) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "the fuzzer needs a JDK (javax.tools)");
        String one = System.getProperty("adjoint.fuzz.programSeed");
        int wanted = one != null ? 1 : Integer.getInteger("adjoint.fuzz.programs", 1000);
        long seed = Long.getLong("adjoint.fuzz.seed", DEFAULT_SEED);
        long start = System.nanoTime();
        int index = 0, batchNo = 0;
        while (stats.programs < wanted && stats.failures.size() < MAX_REPORTED) {
            int size = one != null ? 1 : Math.min(BATCH, wanted - stats.programs + 8); // spares for rejected ones
            List<ProgramGenerator.Program> batch = new ArrayList<>();
            for (int i = 0; i < size; i++, index++) {
                long s = one != null ? Long.parseLong(one) : programSeed(seed, index);
                batch.add(ProgramGenerator.generate("P" + index, s));
            }
            Path out = Files.createDirectories(dir.resolve("batch" + batchNo++));
            long t0 = System.nanoTime();
            compile(javac, batch, out);
            stats.compileNanos += System.nanoTime() - t0;
            try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                    DifferentialFuzzTest.class.getClassLoader())) {
                for (ProgramGenerator.Program p : batch) {
                    if (one != null) {
                        System.out.println(p.source());
                    }
                    if (stats.programs < wanted && stats.failures.size() < MAX_REPORTED) {
                        check(p, loader);
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("[adjoint-fuzz] execution=%s seed=%d programs=%d (rejected %d) points=%d fd-compared=%d "
                        + "fd-skipped: at kinks %d, unsettled %d; worst |fwd-rev|/bound=%.2e (%s) worst fd error/bound=%.2e (%s) "
                        + "time=%.1fs of which javac %.1fs (%.0f programs/s)%n", System.getProperty("adjoint.it.execution"), seed,
                stats.programs, stats.rejected, stats.points, stats.fdCompared, stats.fdKinks, stats.fdUnresolved, stats.worstModes,
                stats.worstModesAt, stats.worstFd, stats.worstFdAt, seconds, stats.compileNanos / 1e9, stats.programs / seconds);
        if (!stats.failures.isEmpty()) {
            fail(stats.failures.size() + " failing program(s):\n\n" + String.join("\n\n", stats.failures));
        }
        assertTrue(stats.programs >= wanted, "programs checked: " + stats.programs);
        assertTrue(stats.fdCompared >= 0.95 * (stats.fdCompared + stats.fdKinks + stats.fdUnresolved),
                "at least 95% of the coordinates are compared with finite differences");
    }

    private static void compile(JavaCompiler javac, List<ProgramGenerator.Program> batch, Path out) throws Exception {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> sources = new ArrayList<>();
        for (ProgramGenerator.Program p : batch) {
            String simple = p.className().substring(p.className().lastIndexOf('.') + 1);
            sources.add(new SimpleJavaFileObject(URI.create("string:///fuzz/" + simple + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return p.source();
                }
            });
        }
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
                    "-g", "-proc:none", "-nowarn", "-Xlint:none");
            boolean ok = javac.getTask(null, files, diagnostics, options, null, sources).call();
            if (!ok) {
                StringBuilder sb = new StringBuilder("generated programs do not compile (a generator bug):\n");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    sb.append(d).append('\n');
                }
                fail(sb.toString());
            }
        }
    }

    /** One program at {@link #POINTS} random points; a failure is recorded with its seed, point and source. */
    private void check(ProgramGenerator.Program p, ClassLoader loader) throws Exception {
        Object instance = loader.loadClass(p.className()).getDeclaredConstructor().newInstance();
        ScalarFunction f = (ScalarFunction) instance;
        SplittableRandom r = new SplittableRandom(p.seed());
        double[][] points = new double[POINTS][p.inputs()];
        for (double[] x : points) {
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.round((r.nextDouble() * 3 - 1.5) * 1e4) / 1e4;
            }
        }
        for (double[] x : points) { // reject programs whose values overflow or explode
            double v = f.apply(x.clone());
            if (!(Math.abs(v) <= MAX_VALUE)) {
                stats.rejected++;
                return;
            }
        }
        stats.programs++;
        stats.current = "programSeed=" + p.seed();
        for (double[] x : points) {
            stats.points++;
            String problem;
            try {
                problem = checkPoint(f, x);
            } catch (Throwable e) {
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(trace));
                problem = "threw " + trace;
            }
            if (problem != null) {
                stats.failures.add("program " + p.className() + " seed=" + p.seed() + "L at x=" + Arrays.toString(x)
                        + ": " + problem + "\nreproduce: -Dadjoint.fuzz.programSeed=" + p.seed() + "\n" + p.source());
                return;
            }
        }
    }

    private String checkPoint(ScalarFunction f, double[] x) {
        FuzzRuntime.trace = 0;
        double value = f.apply(x.clone());
        ValueAndGradient rev = Gradients.of(f).valueAndGradient(x);
        ValueAndGradient fwd = Gradients.forward(f).valueAndGradient(x);
        double[] into = new double[x.length];
        double intoValue = Gradients.of(f).valueAndGradientInto(x, into);
        if (Double.doubleToRawLongBits(intoValue) != Double.doubleToRawLongBits(rev.value())
                || !Arrays.equals(into, rev.gradient())) {
            return "valueAndGradientInto differs from valueAndGradient: " + intoValue + " " + Arrays.toString(into);
        }
        if (Double.doubleToRawLongBits(rev.value()) != Double.doubleToRawLongBits(value)) {
            return "reverse mode recorded the value " + rev.value() + ", the program computes " + value;
        }
        if (Double.doubleToRawLongBits(fwd.value()) != Double.doubleToRawLongBits(value)) {
            return "forward mode recorded the value " + fwd.value() + ", the program computes " + value;
        }
        double[] g = rev.gradient(), h = fwd.gradient();
        for (double v : g) {
            if (!Double.isFinite(v)) {
                return "reverse gradient not finite: " + Arrays.toString(g);
            }
        }
        double[] terms = absoluteGradient(f, x);
        for (int i = 0; i < g.length; i++) {
            double err = Math.abs(h[i] - g[i]);
            double bound = MODES * terms[i];
            if (err > 0 && err / bound > stats.worstModes) {
                stats.worstModes = err / bound;
                stats.worstModesAt = stats.current + " x=" + Arrays.toString(x);
            }
            if (!(err <= bound)) {
                return "forward " + Arrays.toString(h) + " != reverse " + Arrays.toString(g) + " at [" + i + "] "
                        + "(sums of magnitudes of the terms " + Arrays.toString(terms) + ")";
            }
        }
        double[] fd = new double[x.length], step = new double[x.length];
        int[] status = new int[x.length];
        double fdBig = 0;
        for (int i = 0; i < x.length; i++) {
            status[i] = richardson(f, x, i, fd, step);
            if (status[i] == SMOOTH) {
                fdBig = Math.max(fdBig, Math.abs(fd[i]));
            }
        }
        for (int i = 0; i < x.length; i++) {
            if (status[i] != SMOOTH) {
                if (status[i] == KINK) {
                    stats.fdKinks++;
                } else {
                    stats.fdUnresolved++;
                }
                continue;
            }
            stats.fdCompared++;
            double bound = FD_REL * Math.max(Math.abs(fd[i]), 1e-3 * fdBig)
                    + ROUNDING * Math.max(Math.abs(value), 1) / step[i] + MODES * terms[i]; // FD's and AD's rounding
            double err = Math.abs(g[i] - fd[i]);
            if (err / bound > stats.worstFd) {
                stats.worstFd = err / bound;
                stats.worstFdAt = stats.current + " x=" + Arrays.toString(x);
            }
            if (!(err <= bound)) {
                return "gradient " + Arrays.toString(g) + " but finite differences give " + Arrays.toString(fd)
                        + " at [" + i + "] (difference " + err + " > " + bound + ", h = " + step[i] + ")";
            }
        }
        return null;
    }

    // ---- the scale of the terms summed into each gradient entry --------------------------------------

    private static final MethodType TWIN = MethodType.methodType(long.class, double[].class, Tape.class);
    private static final Field NODES, ARGS, ARITY, ARG_NODE, PARTIAL;
    private static final Method NODE;

    static {
        try {
            NODES = field("nodes");
            ARGS = field("args");
            ARITY = field("arity");
            ARG_NODE = field("argNode");
            PARTIAL = field("partial");
            NODE = Slot.class.getDeclaredMethod("node", long.class);
            NODE.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field f = Tape.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /**
     * A_i = sum over the paths from input i to the result of |product of the partials along the path|: the reverse
     * sweep of the same recording with every partial replaced by its magnitude (reads the tape's arrays, which are
     * internal: this test knows the layout of io.adjoint.internal.Tape).
     */
    static double[] absoluteGradient(ScalarFunction f, double[] x) {
        MethodHandle twin = Engine.get().twinOf(f, "apply", "([D)D").asType(TWIN);
        Tape t = Tape.open();
        try {
            double[] xs = x.clone();
            Ops.seed(xs, t);
            long r = (long) twin.invokeExact(xs, t);
            double[] a = new double[x.length];
            if (!Slot.isActive(r)) {
                return a;
            }
            int nodes = NODES.getInt(t), p = ARGS.getInt(t), top = (int) NODE.invoke(null, r);
            byte[] arity = (byte[]) ARITY.get(t);
            int[] argNode = (int[]) ARG_NODE.get(t);
            double[] partial = (double[]) PARTIAL.get(t);
            double[] adj = new double[nodes];
            adj[top] = 1;
            for (int i = nodes - 1; i > top; i--) {
                p -= arity[i];
            }
            for (int i = top; i >= 0; i--) {
                p -= arity[i];
                if (adj[i] != 0) {
                    for (int j = p; j < p + arity[i]; j++) {
                        adj[argNode[j]] += Math.abs(partial[j]) * adj[i];
                    }
                }
            }
            System.arraycopy(adj, 0, a, 0, Math.min(x.length, top + 1));
            return a;
        } catch (Throwable e) {
            throw new IllegalStateException("absolute sweep", e);
        } finally {
            t.close();
        }
    }

    private static final int SMOOTH = 0, KINK = 1, UNSETTLED = 2;

    /**
     * d/dx_i by central differences at h, h/2, h/4 and two Richardson steps, into {@code out[i]} (and the h used
     * into {@code step[i]}): SMOOTH once the estimate settles, KINK when the program takes another path at a point
     * the differences use than at x, UNSETTLED when no h settles.
     */
    private static int richardson(ScalarFunction f, double[] x, int i, double[] out, double[] step) {
        FuzzRuntime.trace = 0;
        double value = f.apply(x.clone());
        long path = FuzzRuntime.trace;
        for (double scale = 1e-3; scale > 1e-6; scale /= 10) {
            double h = scale * Math.max(Math.abs(x[i]), 0.1);
            double[] d = new double[3];
            for (int k = 0; k < 3; k++) {
                double hk = h / (1 << k);
                double[] y = x.clone();
                y[i] = x[i] + hk;
                FuzzRuntime.trace = 0;
                double plus = f.apply(y.clone());
                if (FuzzRuntime.trace != path) {
                    return KINK;
                }
                y[i] = x[i] - hk;
                FuzzRuntime.trace = 0;
                double minus = f.apply(y.clone());
                if (FuzzRuntime.trace != path) {
                    return KINK;
                }
                d[k] = (plus - minus) / (2 * hk);
            }
            double r1 = (4 * d[1] - d[0]) / 3, r2 = (4 * d[2] - d[1]) / 3;
            double estimate = (16 * r2 - r1) / 15;
            if (Math.abs(estimate - r2) <= SETTLED * Math.abs(estimate) + ROUNDING * Math.max(Math.abs(value), 1) / h) {
                out[i] = estimate;
                step[i] = h;
                return SMOOTH;
            }
        }
        return UNSETTLED;
    }
}
