package io.adjoint.benchmarks;

import io.adjoint.benchmarks.hipparchus.HipparchusPorts;
import io.adjoint.benchmarks.workloads.Rosenbrock;
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
 * Extended Rosenbrock by the methods whose gradient costs O(n) evaluations, O(n^2) in all: central
 * finite differences (2n primal calls) and Hipparchus forward mode (every operation carries an n-vector).
 * The parameter has its own name so that {@code -p n=...} for {@link RosenbrockBench} does not reach it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class RosenbrockDenseBench {
    @Param({"100", "1000", "10000"})
    public int nDense;

    double[] x;

    @Setup
    public void setup() {
        x = Rosenbrock.start(nDense);
    }

    @Benchmark
    public double[] adjointForward() {
        return io.adjoint.Gradients.forward(Rosenbrock::extended).at(x);
    }

    @Benchmark
    public double[] finiteDifferences() {
        return FiniteDifferences.central(Rosenbrock::extended, x);
    }

    @Benchmark
    public double[] hipparchusGradient() {
        return HipparchusPorts.rosenbrock(x);
    }
}
