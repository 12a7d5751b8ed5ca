package io.adjoint.benchmarks;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.benchmarks.workloads.LennardJones;
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
 * The application's own evaluation of the Lennard-Jones energy in a JVM that has computed its gradient a few thousand
 * times first, as an optimizer does (line searches evaluate, steps differentiate). It must cost what
 * {@link LennardJonesBench#primal} costs, where no gradient ever ran: recordings must not leave the application's
 * compiled code slower. (Before twin constructors it ran 3x slower: the JIT compiled the constructors' twin branches,
 * taken while recording, into the primal, and escape analysis no longer removed its Vec3 allocations.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class LennardJonesAfterGradientsBench {
    @Param({"64"})
    public int atoms;

    double[] pos;

    @Setup
    public void setup() {
        pos = LennardJones.lattice(atoms);
        Gradient adjoint = Gradients.of(LennardJones::energy);
        for (int i = 0; i < 3000; i++) { // long enough for the twins and the constructors to be JIT-compiled
            adjoint.at(pos);
        }
    }

    @Benchmark
    public double primalAfterGradients() {
        return LennardJones.energy(pos);
    }
}
