package io.adjoint.benchmarks;

import io.adjoint.benchmarks.hipparchus.HipparchusPorts;
import io.adjoint.benchmarks.workloads.Gmm;
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

/** GMM by the methods whose cost grows with the parameter count: finite differences and forward mode. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class GmmDenseBench {
    @Param({"2x5", "2x25"})
    public String dkDense;

    Gmm.Instance inst;
    double[] params;

    @Setup
    public void setup() {
        inst = GmmBench.instance(dkDense);
        params = inst.params();
    }

    @Benchmark
    public double[] adjointForward() {
        return io.adjoint.Gradients.forward(inst::value).at(params);
    }

    @Benchmark
    public double[] finiteDifferences() {
        return FiniteDifferences.central(inst::value, params);
    }

    @Benchmark
    public double[] hipparchusGradient() {
        return HipparchusPorts.gmm(params, inst.x(), inst.d(), inst.k(), inst.n(), inst.gamma(), inst.m());
    }
}
