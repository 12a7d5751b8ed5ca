package io.adjoint.benchmarks;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ValueAndGradient;
import io.adjoint.benchmarks.hand.HandGradients;
import io.adjoint.benchmarks.hipparchus.HipparchusPorts;
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
 * Lennard-Jones energy of 64 atoms over Vec3 objects (2,016 pairs, 192 coordinates).
 *
 * <p>The workload builds a Vec3 per pair from active coordinates: Adjoint inlines minus and dot into the pair loop's
 * twin and replaces that Vec3 by its fields (twin/Inlining, twin/ScalarReplacement); the atoms' Vec3s are made
 * through their twin constructors.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class LennardJonesBench {
    @Param({"64"})
    public int atoms;

    double[] pos;
    Gradient adjoint;
    Gradient adjointForward;

    @Setup
    public void setup() {
        pos = LennardJones.lattice(atoms);
        adjoint = Gradients.of(LennardJones::energy);
        adjointForward = Gradients.forward(LennardJones::energy);
    }

    @Benchmark
    public double primal() {
        return LennardJones.energy(pos);
    }

    @Benchmark
    public ValueAndGradient adjointReverse() {
        return adjoint.valueAndGradient(pos);
    }

    @Benchmark
    public double[] adjointForward() {
        return adjointForward.at(pos);
    }

    @Benchmark
    public double[] finiteDifferences() {
        return FiniteDifferences.central(LennardJones::energy, pos);
    }

    @Benchmark
    public double[] hipparchusGradient() {
        return HipparchusPorts.lennardJones(pos);
    }

    @Benchmark
    public double[] handWritten() {
        return HandGradients.lennardJones(pos);
    }
}
