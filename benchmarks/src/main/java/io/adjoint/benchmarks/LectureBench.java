package io.adjoint.benchmarks;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ValueAndGradient;
import io.adjoint.benchmarks.hand.HandGradients;
import io.adjoint.benchmarks.hipparchus.HipparchusPorts;
import io.adjoint.benchmarks.workloads.Lecture;
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
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/** The lecture notes' two examples, h(t) = sin(t)/t and h(t) = max(0, t^2), at t = 1.3. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class LectureBench {
    @Param({"sinOverT", "maxZeroTSquared"})
    public String fn;

    double[] x;
    ToDoubleFunction<double[]> primal;
    Gradient adjoint;
    Gradient adjointForward;
    UnaryOperator<double[]> hand;
    UnaryOperator<double[]> hipparchus;

    @Setup
    public void setup() {
        x = new double[] {1.3};
        switch (fn) {
            case "sinOverT" -> {
                primal = Lecture::sinOverT;
                adjoint = Gradients.of(Lecture::sinOverT);
                adjointForward = Gradients.forward(Lecture::sinOverT);
                hand = HandGradients::sinOverT;
                hipparchus = HipparchusPorts::sinOverT;
            }
            case "maxZeroTSquared" -> {
                primal = Lecture::maxZeroTSquared;
                adjoint = Gradients.of(Lecture::maxZeroTSquared);
                adjointForward = Gradients.forward(Lecture::maxZeroTSquared);
                hand = HandGradients::maxZeroTSquared;
                hipparchus = HipparchusPorts::maxZeroTSquared;
            }
            default -> throw new IllegalArgumentException(fn);
        }
    }

    @Benchmark
    public double primal() {
        return primal.applyAsDouble(x);
    }

    @Benchmark
    public ValueAndGradient adjointReverse() {
        return adjoint.valueAndGradient(x);
    }

    @Benchmark
    public double[] adjointForward() {
        return adjointForward.at(x);
    }

    @Benchmark
    public double[] finiteDifferences() {
        return FiniteDifferences.central(primal, x);
    }

    @Benchmark
    public double[] hipparchusGradient() {
        return hipparchus.apply(x);
    }

    @Benchmark
    public double[] handWritten() {
        return hand.apply(x);
    }
}
