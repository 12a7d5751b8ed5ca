package io.adjoint.benchmarks;

import io.adjoint.benchmarks.hipparchus.HipparchusPorts;
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

/** The perceptron by finite differences and Hipparchus forward mode (the small network only). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class MlpDenseBench {
    @Param({"small"})
    public String sizeDense;

    Mlp.Instance inst;
    double[] w;

    @Setup
    public void setup() {
        inst = Mlp.instance(sizeDense);
        w = inst.w();
    }

    @Benchmark
    public double[] adjointForward() {
        return io.adjoint.Gradients.forward(inst::value).at(w);
    }

    @Benchmark
    public double[] finiteDifferences() {
        return FiniteDifferences.central(inst::value, w);
    }

    @Benchmark
    public double[] hipparchusGradient() {
        return HipparchusPorts.mlp(w, inst.xs(), inst.labels(), inst.in(), inst.hidden(), inst.classes());
    }
}
