package io.adjoint.benchmarks;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ValueAndGradient;
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

/**
 * ADBench's GMM objective, n = 1000 points, d x k given as "dxk". Primal and Adjoint reverse; the O(p)
 * methods are in {@link GmmDenseBench} (p = k + kd + kd(d+1)/2 parameters: 5,775 for 20x25).
 * No hand-written gradient: ADBench's own is a few hundred lines of C++ (not practical here).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class GmmBench {
    @Param({"2x5", "2x25", "10x5", "10x25", "20x5", "20x25"})
    public String dk;

    Gmm.Instance inst;
    double[] params;
    Gradient adjoint;

    static Gmm.Instance instance(String dk) {
        String[] p = dk.split("x");
        return Gmm.instance(Integer.parseInt(p[0]), Integer.parseInt(p[1]), 1000);
    }

    @Setup
    public void setup() {
        inst = instance(dk);
        params = inst.params();
        double[] x = inst.x();
        int d = inst.d();
        int k = inst.k();
        int n = inst.n();
        double gamma = inst.gamma();
        int m = inst.m();
        adjoint = Gradients.of(p -> Gmm.objective(p, x, d, k, n, gamma, m));
    }

    @Benchmark
    public double primal() {
        return Gmm.objective(params, inst.x(), inst.d(), inst.k(), inst.n(), inst.gamma(), inst.m());
    }

    @Benchmark
    public ValueAndGradient adjointReverse() {
        return adjoint.valueAndGradient(params);
    }

    // Adjoint forward mode costs O(n) sweeps for a gradient: it is measured in the Dense benchmark.
}
