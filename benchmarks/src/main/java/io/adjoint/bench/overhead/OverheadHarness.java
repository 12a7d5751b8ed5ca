package io.adjoint.bench.overhead;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the agent costs an application that asks for no gradient, measured in forked JVMs (run by
 * {@code benchmarks/overhead.sh}):
 * <ol>
 *   <li>throughput of {@link Workload} with and without {@code -javaagent}, forks alternating, each fork
 *       warmed up then timed in rounds (CPU time of the thread per operation); the figure is the median over
 *       forks of each fork's median round;</li>
 *   <li>start-up: wall time of a JVM running {@link Hello}, without the agent, with it, with it and report=;</li>
 *   <li>first instrumentation: {@link LoadAll} loading every class of a library jar, without and with the agent;</li>
 *   <li>self-attach: {@link AttachProbe}, the agent jar on the class path and no flag.</li>
 * </ol>
 * Usage: {@code OverheadHarness AGENT_JAR [LIBRARY_JAR]}; system properties {@code forks} (default 4),
 * {@code warmup}, {@code round} (ms, default 3000 and 500), {@code rounds} (default 8), {@code runs} (default 10).
 */
public final class OverheadHarness {
    private OverheadHarness() {
    }

    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static String classes;
    static String agent;

    public static void main(String[] args) throws Exception {
        agent = Path.of(args[0]).toAbsolutePath().toString();
        String library = args.length > 1 ? args[1] : null;
        classes = Path.of(OverheadHarness.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        int forks = Integer.getInteger("forks", 4), runs = Integer.getInteger("runs", 10);
        String warmup = System.getProperty("warmup", "3000"), round = System.getProperty("round", "500"),
                rounds = System.getProperty("rounds", "8");
        System.out.printf(Locale.ROOT, "java %s (%s), %d cores, %s%n", Runtime.version(), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(), java.time.LocalDate.now());

        // 1. throughput
        List<Double> plain = new ArrayList<>(), with = new ArrayList<>();
        for (int f = 0; f < forks; f++) {
            boolean agentFirst = f % 2 == 1;
            for (int k = 0; k < 2; k++) {
                boolean useAgent = (k == 0) == agentFirst;
                List<String> out = run(useAgent ? List.of("-javaagent:" + agent) : List.of(), classes,
                        "io.adjoint.bench.overhead.Workload", warmup, round, rounds);
                double m = median(out.stream().mapToDouble(l -> Double.parseDouble(l.split(" ")[0])).toArray());
                (useAgent ? with : plain).add(m);
            }
        }
        double p = median(plain), w = median(with);
        System.out.printf(Locale.ROOT, "throughput (CPU time per operation, median of %d forks): %.1f us/op without "
                + "the agent, %.1f us/op with it: %+.2f%% (forks without %s, with %s)%n", forks, p / 1000, w / 1000,
                100 * (w / p - 1), fmt(plain), fmt(with));

        // 2. start-up
        double[] hello = new double[runs], helloAgent = new double[runs], helloReport = new double[runs];
        Path report = Files.createTempFile("adjoint-overhead", ".jsonl");
        for (int i = 0; i < runs; i++) {
            hello[i] = wall(List.of(), classes, "io.adjoint.bench.overhead.Hello");
            helloAgent[i] = wall(List.of("-javaagent:" + agent), classes, "io.adjoint.bench.overhead.Hello");
            helloReport[i] = wall(List.of("-javaagent:" + agent + "=report=io.adjoint.bench.overhead.Workload#price,out="
                    + report), classes, "io.adjoint.bench.overhead.Hello");
        }
        Files.deleteIfExists(report);
        System.out.printf(Locale.ROOT, "start-up (Hello, wall, median of %d): %.0f ms without the agent, %.0f ms "
                + "with it (+%.0f ms), %.0f ms with report= (+%.0f ms)%n", runs, median(hello), median(helloAgent),
                median(helloAgent) - median(hello), median(helloReport), median(helloReport) - median(hello));

        // 3. first instrumentation
        if (library != null) {
            int n = Math.max(3, runs / 2);
            double[] load = new double[n], loadAgent = new double[n];
            int count = 0;
            for (int i = 0; i < n; i++) {
                String[] a = run(List.of(), classes, "io.adjoint.bench.overhead.LoadAll", library).get(0).split(" ");
                count = Integer.parseInt(a[0]);
                load[i] = Double.parseDouble(a[1]);
                a = run(List.of("-javaagent:" + agent), classes, "io.adjoint.bench.overhead.LoadAll", library).get(0)
                        .split(" ");
                loadAgent[i] = Double.parseDouble(a[1]);
            }
            double d = median(loadAgent) - median(load);
            System.out.printf(Locale.ROOT, "first instrumentation (%d classes of %s, median of %d): %.0f ms without "
                    + "the agent, %.0f ms with it: +%.0f ms, %.0f us per class%n", count,
                    Path.of(library).getFileName(), n, median(load), median(loadAgent), d, 1000 * d / count);
        }

        // 4. self-attach
        int n = Math.max(3, runs / 2);
        double[] attach = new double[n], first = new double[n], second = new double[n];
        for (int i = 0; i < n; i++) {
            String cp = classes + File.pathSeparator + agent;
            attach[i] = Double.parseDouble(run(List.of(), cp, "io.adjoint.bench.overhead.AttachProbe", "attach-only")
                    .get(0).split(" ")[1]);
            String[] a = run(List.of(), cp, "io.adjoint.bench.overhead.AttachProbe").get(0).split(" ");
            first[i] = Double.parseDouble(a[1]);
            second[i] = Double.parseDouble(a[3]);
        }
        System.out.printf(Locale.ROOT, "self-attach (median of %d): attach %.0f ms; first Gradients call %.0f ms "
                + "(attach, twins, one gradient), second %.2f ms%n", n, median(attach), median(first), median(second));
    }

    static String fmt(List<Double> l) {
        StringBuilder sb = new StringBuilder("[");
        for (double d : l) {
            sb.append(sb.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "%.2f", d / 1000));
        }
        return sb.append(']').toString();
    }

    static double median(List<Double> l) {
        return median(l.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static List<String> command(List<String> jvm, String cp, String main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(JAVA);
        cmd.addAll(jvm);
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(main);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs a child JVM to completion; its stdout lines. */
    static List<String> run(List<String> jvm, String cp, String main, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(jvm, cp, main, args));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("child failed: " + pb.command() + "\n" + out);
        }
        return out.lines().toList();
    }

    /** Wall time of a child JVM from start to exit, in milliseconds. */
    static double wall(List<String> jvm, String cp, String main, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(jvm, cp, main, args));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("child failed: " + pb.command());
        }
        return (System.nanoTime() - t0) / 1e6;
    }
}
