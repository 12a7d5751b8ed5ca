package io.adjoint.benchmarks;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ValueAndGradient;
import io.adjoint.benchmarks.hand.HandGradients;
import io.adjoint.benchmarks.hipparchus.HipparchusPorts;
import io.adjoint.benchmarks.workloads.BlackScholes;
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

/** Black-Scholes call price and its five Greeks (S, K, r, sigma, T) = (100, 95, 0.03, 0.25, 1). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class BlackScholesBench {
    double[] p;
    Gradient adjoint;
    Gradient adjointForward;

    @Setup
    public void setup() {
        p = BlackScholes.sample();
        adjoint = Gradients.of(BlackScholes::callPrice);
        adjointForward = Gradients.forward(BlackScholes::callPrice);
    }

    @Benchmark
    public double primal() {
        return BlackScholes.callPrice(p);
    }

    @Benchmark
    public ValueAndGradient adjointReverse() {
        return adjoint.valueAndGradient(p);
    }

    @Benchmark
    public double[] adjointForward() {
        return adjointForward.at(p);
    }

    @Benchmark
    public double[] finiteDifferences() {
        return FiniteDifferences.central(BlackScholes::callPrice, p);
    }

    @Benchmark
    public double[] hipparchusGradient() {
        return HipparchusPorts.blackScholes(p);
    }

    @Benchmark
    public double[] hipparchusDS() {
        return HipparchusPorts.blackScholesDS(p);
    }

    @Benchmark
    public double[] handWritten() {
        return HandGradients.blackScholes(p);
    }
}
