package io.adjoint.benchmarks;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ValueAndGradient;
import io.adjoint.benchmarks.hand.HandGradients;
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
 * Extended Rosenbrock, the methods whose cost is O(n): primal, Adjoint reverse, hand-written. The O(n^2)
 * methods (finite differences, forward mode) are in {@link RosenbrockDenseBench} with smaller n.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class RosenbrockBench {
    @Param({"100", "1000", "10000", "100000", "1000000"})
    public int n;

    double[] x;
    double[] gradient;
    Gradient adjoint;

    @Setup
    public void setup() {
        x = Rosenbrock.start(n);
        gradient = new double[n];
        adjoint = Gradients.of(Rosenbrock::extended);
    }

    @Benchmark
    public double primal() {
        return Rosenbrock.extended(x);
    }

    @Benchmark
    public ValueAndGradient adjointReverse() {
        return adjoint.valueAndGradient(x);
    }

    /** The optimizer-style call: the gradient written into an array of the caller's, none allocated. */
    @Benchmark
    public double adjointReverseInto() {
        return adjoint.valueAndGradientInto(x, gradient);
    }

    // Adjoint forward mode costs O(n) sweeps for a gradient: it is measured in the Dense benchmark.

    @Benchmark
    public double[] handWritten() {
        return HandGradients.rosenbrock(x);
    }
}
