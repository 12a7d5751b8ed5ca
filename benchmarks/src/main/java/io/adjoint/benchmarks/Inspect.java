package io.adjoint.benchmarks;

import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import io.adjoint.benchmarks.hand.HandGradients;
import io.adjoint.benchmarks.hipparchus.HipparchusPorts;
import io.adjoint.benchmarks.workloads.BlackScholes;
import io.adjoint.benchmarks.workloads.Gmm;
import io.adjoint.benchmarks.workloads.Lecture;
import io.adjoint.benchmarks.workloads.LennardJones;
import io.adjoint.benchmarks.workloads.Mlp;
import io.adjoint.benchmarks.workloads.Rosenbrock;
import io.adjoint.internal.Engine;
import io.adjoint.internal.Ops;
import io.adjoint.internal.Tape;


import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Not a benchmark: run once before JMH (benchmarks/run.sh) to check that every column computes the same
 * gradient, to catch what Adjoint throws on which workload, and to measure the tape: nodes, arguments
 * and bytes per recorded operation, read from {@link Tape}'s arrays by reflection after one recording.
 * Writes JSON to the file named by its argument (stdout if none).
 */
public final class Inspect {
    private Inspect() {
    }

    private static final List<String> CHECKS = new ArrayList<>();
    private static final List<String> TAPES = new ArrayList<>();
    private static final List<String> SPLITS = new ArrayList<>();

    public static void main(String[] args) throws Throwable {
        // timing first, while the JIT's profiles have seen nothing else
        split("rosenbrock", "n=10000", Rosenbrock::extended, Rosenbrock.start(10_000));
        Gmm.Instance g25 = GmmBench.instance("2x5");
        split("gmm", "dk=2x5", gmmFunction(g25), g25.params());
        Mlp.Instance mlpSmall = Mlp.instance("small");
        split("mlp", "size=small", mlpFunction(mlpSmall), mlpSmall.w());
        split("blackScholes", "", BlackScholes::callPrice, BlackScholes.sample());

        lecture("sinOverT", Lecture::sinOverT, HandGradients::sinOverT, HipparchusPorts::sinOverT);
        lecture("maxZeroTSquared", Lecture::maxZeroTSquared, HandGradients::maxZeroTSquared,
                HipparchusPorts::maxZeroTSquared);

        for (int n : new int[] {100, 10_000}) {
            double[] x = Rosenbrock.start(n);
            Map<String, Supplier<double[]>> others = new LinkedHashMap<>();
            others.put("handWritten", () -> HandGradients.rosenbrock(x));
            others.put("finiteDifferences", () -> FiniteDifferences.central(Rosenbrock::extended, x));
            others.put("hipparchusGradient", () -> HipparchusPorts.rosenbrock(x));
            check("rosenbrock", "n=" + n, Rosenbrock::extended, x, "handWritten", others);
        }
        for (int n : new int[] {100, 10_000, 1_000_000}) {
            tape("rosenbrock", "n=" + n, Rosenbrock::extended, Rosenbrock.start(n));
        }

        for (String dk : new String[] {"2x5", "10x5", "2x25", "10x25", "20x5", "20x25"}) {
            Gmm.Instance g = GmmBench.instance(dk);
            ScalarFunction f = gmmFunction(g);
            boolean small = dk.equals("2x5") || dk.equals("2x25");
            if (small) {
                Map<String, Supplier<double[]>> others = new LinkedHashMap<>();
                others.put("hipparchusGradient", () -> HipparchusPorts.gmm(g.params(), g.x(), g.d(), g.k(),
                        g.n(), g.gamma(), g.m()));
                others.put("finiteDifferences", () -> FiniteDifferences.central(g::value, g.params()));
                check("gmm", "dk=" + dk, f, g.params(), "hipparchusGradient", others);
            }
            tape("gmm", "dk=" + dk, f, g.params());
        }

        for (String size : new String[] {"small", "medium"}) {
            Mlp.Instance m = Mlp.instance(size);
            ScalarFunction f = mlpFunction(m);
            Map<String, Supplier<double[]>> others = new LinkedHashMap<>();
            others.put("handWritten", () -> HandGradients.mlp(m, m.w()));
            if (size.equals("small")) {
                others.put("finiteDifferences", () -> FiniteDifferences.central(m::value, m.w()));
                others.put("hipparchusGradient", () -> HipparchusPorts.mlp(m.w(), m.xs(), m.labels(), m.in(),
                        m.hidden(), m.classes()));
            }
            check("mlp", "size=" + size, f, m.w(), "handWritten", others);
            tape("mlp", "size=" + size, f, m.w());
        }

        double[] p = BlackScholes.sample();
        Map<String, Supplier<double[]>> bs = new LinkedHashMap<>();
        bs.put("handWritten", () -> HandGradients.blackScholes(p));
        bs.put("finiteDifferences", () -> FiniteDifferences.central(BlackScholes::callPrice, p));
        bs.put("hipparchusGradient", () -> HipparchusPorts.blackScholes(p));
        bs.put("hipparchusDS", () -> HipparchusPorts.blackScholesDS(p));
        check("blackScholes", "", BlackScholes::callPrice, p, "hipparchusGradient", bs);
        tape("blackScholes", "", BlackScholes::callPrice, p);

        double[] pos = LennardJones.lattice(64);
        Map<String, Supplier<double[]>> lj = new LinkedHashMap<>();
        lj.put("handWritten", () -> HandGradients.lennardJones(pos));
        lj.put("finiteDifferences", () -> FiniteDifferences.central(LennardJones::energy, pos));
        lj.put("hipparchusGradient", () -> HipparchusPorts.lennardJones(pos));
        check("lennardJones", "atoms=64", LennardJones::energy, pos, "handWritten", lj);
        tape("lennardJones", "atoms=64", LennardJones::energy, pos);

        for (String form : new String[] {"localSum", "elementSum", "rows"}) {
            double[] mv = io.adjoint.benchmarks.workloads.MatVec.parameters(64);
            Map<String, Supplier<double[]>> others = new LinkedHashMap<>();
            others.put("handWritten", () -> HandGradients.matVec(mv));
            ScalarFunction f = MatVecBench.function(form);
            check("matVec", "form=" + form, f, mv, "handWritten", others);
            tape("matVec", "form=" + form, f, mv);
        }

        for (String problem : new String[] {"rosenbrock-100", "rosenbrock-10000", "gmm-2x5", "mlp-small",
                "lennardJones-64"}) {
            checkHvp(problem);
        }

        String json = "{\n\"checks\": [\n" + String.join(",\n", CHECKS) + "\n],\n\"tapes\": [\n"
                + String.join(",\n", TAPES) + "\n],\n\"splits\": [\n" + String.join(",\n", SPLITS) + "\n]\n}\n";
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), json);
        } else {
            System.out.print(json);
        }
    }

    static ScalarFunction gmmFunction(Gmm.Instance g) {
        double[] x = g.x();
        int d = g.d();
        int k = g.k();
        int n = g.n();
        double gamma = g.gamma();
        int m = g.m();
        return q -> Gmm.objective(q, x, d, k, n, gamma, m);
    }

    static ScalarFunction mlpFunction(Mlp.Instance m) {
        double[] xs = m.xs();
        int[] labels = m.labels();
        int in = m.in();
        int hidden = m.hidden();
        int classes = m.classes();
        return w -> Mlp.loss(w, xs, labels, in, hidden, classes);
    }

    private static void lecture(String name, ScalarFunction f, java.util.function.UnaryOperator<double[]> hand,
                                java.util.function.UnaryOperator<double[]> hipparchus) throws Exception {
        double[] x = {1.3};
        Map<String, Supplier<double[]>> others = new LinkedHashMap<>();
        others.put("handWritten", () -> hand.apply(x));
        others.put("finiteDifferences", () -> FiniteDifferences.central(f::apply, x));
        others.put("hipparchusGradient", () -> hipparchus.apply(x));
        check("lecture", "fn=" + name, f, x, "handWritten", others);
        tape("lecture", "fn=" + name, f, x);
    }

    /** Every column against the reference column: max |a - b| / max(1, |b|) over the components. */
    private static void check(String workload, String params, ScalarFunction f, double[] x, String reference,
                              Map<String, Supplier<double[]>> others) {
        Map<String, double[]> results = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        try {
            results.put("adjointReverse", Gradients.of(f).at(x));
        } catch (Throwable e) {
            errors.put("adjointReverse", e.getClass().getName() + ": " + e.getMessage());
        }
        try {
            results.put("adjointForward", Gradients.forward(f).at(x));
        } catch (Throwable e) {
            errors.put("adjointForward", e.getClass().getName() + ": " + e.getMessage());
        }
        others.forEach((k, s) -> {
            try {
                results.put(k, s.get());
            } catch (Throwable e) {
                errors.put(k, e.getClass().getName() + ": " + e.getMessage());
            }
        });
        record(workload, params, x.length, reference, results, errors);
    }

    /** One entry of "checks": every result's largest difference from the reference's, relative to its largest entry. */
    private static void record(String workload, String params, int n, String reference, Map<String, double[]> results,
                               Map<String, String> errors) {
        double[] ref = results.get(reference);
        StringBuilder sb = new StringBuilder();
        sb.append("{\"workload\": ").append(q(workload)).append(", \"params\": ").append(q(params))
                .append(", \"n\": ").append(n).append(", \"reference\": ").append(q(reference))
                .append(", \"maxRelDiff\": {");
        List<String> parts = new ArrayList<>();
        results.forEach((k, g) -> {
            if (!k.equals(reference) && ref != null) {
                parts.add(q(k) + ": " + num(maxRelDiff(g, ref)));
            }
        });
        sb.append(String.join(", ", parts)).append("}, \"errors\": {");
        parts.clear();
        errors.forEach((k, e) -> parts.add(q(k) + ": " + q(e)));
        sb.append(String.join(", ", parts)).append("}}");
        CHECKS.add(sb.toString());
        System.err.println("check " + workload + " " + params + ": " + sb);
    }

    /**
     * H v of {@link HessianVectorBench}'s problems: Adjoint's against Rosenbrock's hand-written H v, elsewhere against
     * central differences of two exact gradients (about 1e-6 apart by their truncation and rounding); and against the
     * full Hessian (forward-over-reverse in blocks of 8 directions) times v where that is small.
     */
    private static void checkHvp(String problem) {
        Object[] p = HessianVectorBench.problem(problem);
        ScalarFunction f = (ScalarFunction) p[0];
        double[] x = (double[]) p[1];
        double[] v = HessianVectorBench.direction(x.length);
        Map<String, Supplier<double[]>> all = new LinkedHashMap<>();
        all.put("adjointHvp", () -> Gradients.hvp(f, x, v));
        all.put("adjointHvpRecorded", () -> Gradients.hessianAt(f, x).times(v));
        all.put("gradientDifferences", () -> FiniteDifferences.hvpOfGradients(Gradients.of(f)::at, x, v));
        if (x.length <= 200) {
            all.put("adjointHessianTimesV", () -> {
                double[][] h = Gradients.hessian(f).at(x);
                double[] hv = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    for (int j = 0; j < x.length; j++) {
                        hv[i] += h[i][j] * v[j];
                    }
                }
                return hv;
            });
        }
        boolean hand = problem.startsWith("rosenbrock");
        if (hand) {
            all.put("handWritten", () -> HandGradients.rosenbrockHvp(x, v));
        }
        Map<String, double[]> results = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        all.forEach((k, s) -> {
            try {
                results.put(k, s.get());
            } catch (Throwable e) {
                errors.put(k, e.getClass().getName() + ": " + e.getMessage());
            }
        });
        record("hessianVector", "problem=" + problem, x.length, hand ? "handWritten" : "gradientDifferences", results,
                errors);
    }

    private static double maxRelDiff(double[] a, double[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1.0, Math.abs(b[i])));
        }
        return m;
    }

    private static final MethodType SCALAR = MethodType.methodType(long.class, double[].class, Tape.class);

    /** One recording by hand (what Gradients.of does), then the tape's fill read before it is closed. */
    private static void tape(String workload, String params, ScalarFunction f, double[] x) throws Exception {
        MethodHandle twin = Engine.get().twinOf(f, "apply", "([D)D").asType(SCALAR);
        Tape t = Tape.open();
        try {
            double[] xs = x.clone();
            Ops.seed(xs, t);
            long ignored = (long) twin.invokeExact(xs, t);
            long nodes = t.size();
            long argsUsed = intField(t, "args");
            long capacity = 8L * arrayLength(t, "value") + arrayLength(t, "arity")
                    + 4L * arrayLength(t, "argNode") + 8L * arrayLength(t, "partial");
            long used = nodes * (8 + 1) + argsUsed * (4 + 8);
            long ops = nodes - x.length; // inputs are nodes too, but not operations
            String json = String.format(Locale.ROOT, "{\"workload\": %s, \"params\": %s, \"inputs\": %d, "
                            + "\"nodes\": %d, \"operations\": %d, \"arguments\": %d, \"bytesUsed\": %d, "
                            + "\"bytesCapacity\": %d, \"bytesPerOperation\": %.2f, \"argumentsPerOperation\": %.3f}",
                    q(workload), q(params), x.length, nodes, ops, argsUsed, used, capacity,
                    ops == 0 ? 0.0 : (double) (used - 9L * x.length) / ops,
                    ops == 0 ? 0.0 : (double) argsUsed / ops);
            TAPES.add(json);
            System.err.println("tape " + json);
        } catch (Throwable e) {
            System.err.println("tape " + workload + " " + params + " failed: " + e);
        } finally {
            t.close();
        }
    }

    /**
     * Rough split of one gradient call into recording (open, seed, run the twin, close) and the rest
     * (reverse sweep, result arrays): best of 15 timed batches of each, after a second of warmup.
     * Plain System.nanoTime loops, not JMH: indicative only.
     */
    private static void split(String workload, String params, ScalarFunction f, double[] x) throws Throwable {
        io.adjoint.Gradient full = Gradients.of(f);
        MethodHandle twin = Engine.get().twinOf(f, "apply", "([D)D").asType(SCALAR);
        double sink = 0;
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            sink += full.valueAndGradient(x).value();
            sink += record(twin, x);
        }
        long once = System.nanoTime();
        sink += full.valueAndGradient(x).value();
        once = Math.max(1, System.nanoTime() - once);
        int reps = (int) Math.max(1, Math.min(100_000, 20_000_000L / once));
        double bestFull = Double.MAX_VALUE;
        double bestRecord = Double.MAX_VALUE;
        for (int batch = 0; batch < 15; batch++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                sink += full.valueAndGradient(x).value();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                sink += record(twin, x);
            }
            long t2 = System.nanoTime();
            bestFull = Math.min(bestFull, (double) (t1 - t0) / reps);
            bestRecord = Math.min(bestRecord, (double) (t2 - t1) / reps);
        }
        String json = String.format(Locale.ROOT, "{\"workload\": %s, \"params\": %s, \"gradientNs\": %.1f, "
                + "\"recordNs\": %.1f, \"sink\": %s}", q(workload), q(params), bestFull, bestRecord,
                Double.isFinite(sink) ? "1" : "0");
        SPLITS.add(json);
        System.err.println("split " + json);
    }

    private static double record(MethodHandle twin, double[] x) throws Throwable {
        Tape t = Tape.open();
        try {
            double[] xs = x.clone();
            Ops.seed(xs, t);
            long r = (long) twin.invokeExact(xs, t);
            return t.primal(r);
        } finally {
            t.close();
        }
    }

    private static int intField(Tape t, String name) throws ReflectiveOperationException {
        Field f = Tape.class.getDeclaredField(name);
        f.setAccessible(true);
        return f.getInt(t);
    }

    private static int arrayLength(Tape t, String name) throws ReflectiveOperationException {
        Field f = Tape.class.getDeclaredField(name);
        f.setAccessible(true);
        return java.lang.reflect.Array.getLength(f.get(t));
    }

    private static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c < 0x20 ? ' ' : c);
            }
        }
        return sb.append('"').toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3e", v) : "null";
    }

}
