package io.adjoint.benchmarks;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import io.adjoint.ValueAndGradient;
import io.adjoint.benchmarks.hand.HandGradients;
import io.adjoint.benchmarks.workloads.MatVec;
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
 * A 64 x 64 matrix-vector product then the sum of squares (4,160 inputs), written with a local sum per row, with the
 * sum in the element ({@code y[i] += ...}, which Adjoint sums in a local of the twin: twin/ElementAccumulators) and
 * with the matrix a {@code double[][]}: what the way the loop is written costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class MatVecBench {
    @Param({"localSum", "elementSum", "rows"})
    public String form;

    double[] p;
    double[] into;
    ScalarFunction f;
    Gradient adjoint;

    @Setup
    public void setup() {
        p = MatVec.parameters(64);
        into = new double[p.length];
        f = function(form);
        adjoint = Gradients.of(f);
    }

    static ScalarFunction function(String form) {
        return switch (form) {
            case "localSum" -> MatVec::localSum;
            case "elementSum" -> MatVec::elementSum;
            case "rows" -> MatVec::rows;
            default -> throw new IllegalArgumentException(form);
        };
    }

    @Benchmark
    public double primal() {
        return f.apply(p);
    }

    @Benchmark
    public ValueAndGradient adjointReverse() {
        return adjoint.valueAndGradient(p);
    }

    @Benchmark
    public double adjointReverseInto() {
        return adjoint.valueAndGradientInto(p, into);
    }

    @Benchmark
    public double[] handWritten() {
        return HandGradients.matVec(p);
    }
}
