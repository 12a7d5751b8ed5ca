package io.adjoint.benchmarks;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ValueAndGradient;
import io.adjoint.benchmarks.hand.HandGradients;
import io.adjoint.benchmarks.workloads.Mlp;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Two-layer perceptron with softmax cross-entropy: "small" (8-16-3, batch 16, 195 parameters) and
 * "medium" (64-128-10, batch 32, 9,610 parameters). The O(p) methods are in {@link MlpDenseBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class MlpBench {
    @Param({"small", "medium"})
    public String size;

    Mlp.Instance inst;
    double[] w;
    Gradient adjoint;

    @Setup
    public void setup() {
        inst = Mlp.instance(size);
        w = inst.w();
        double[] xs = inst.xs();
        int[] labels = inst.labels();
        int in = inst.in();
        int hidden = inst.hidden();
        int classes = inst.classes();
        adjoint = Gradients.of(p -> Mlp.loss(p, xs, labels, in, hidden, classes));
    }

    @Benchmark
    public double primal() {
        return Mlp.loss(w, inst.xs(), inst.labels(), inst.in(), inst.hidden(), inst.classes());
    }

    @Benchmark
    public ValueAndGradient adjointReverse() {
        return adjoint.valueAndGradient(w);
    }

    // Adjoint forward mode costs O(n) sweeps for a gradient: it is measured in the Dense benchmark.

    @Benchmark
    public double[] handWritten() {
        return HandGradients.mlp(inst, w);
    }
}
