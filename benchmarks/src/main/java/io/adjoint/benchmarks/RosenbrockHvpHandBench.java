package io.adjoint.benchmarks;

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

/** Rosenbrock's H v by hand (its 2 x 2 blocks): the limit for {@link HessianVectorBench}'s Rosenbrock rows. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class RosenbrockHvpHandBench {
    @Param({"rosenbrock-100", "rosenbrock-10000"})
    public String problem;

    double[] x;
    double[] v;

    @Setup
    public void setup() {
        x = Rosenbrock.start(Integer.parseInt(problem.substring(problem.indexOf('-') + 1)));
        v = HessianVectorBench.direction(x.length);
    }

    @Benchmark
    public double[] handWritten() {
        return HandGradients.rosenbrockHvp(x, v);
    }
}
