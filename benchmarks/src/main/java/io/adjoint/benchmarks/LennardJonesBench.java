package io.adjoint.benchmarks;

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
 * <p>No Adjoint column yet: the workload builds Vec3 objects from active coordinates, and Adjoint runs
 * constructors as they are, refusing active arguments (NotDifferentiableException from
 * Ops.opaqueArgument, "LennardJones$Vec3.&lt;init&gt;(DDD)V called at ..."). Add
 * {@code adjointReverse()} here (Gradients.of(LennardJones::energy)) once constructors are supported.
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

    @Setup
    public void setup() {
        pos = LennardJones.lattice(atoms);
    }

    @Benchmark
    public double primal() {
        return LennardJones.energy(pos);
    }

    // TODO(adjoint-reverse): needs constructor support (see the class comment).
    // TODO(adjoint-forward): add `@Benchmark adjointForward()` here once Adjoint has a forward mode.

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
