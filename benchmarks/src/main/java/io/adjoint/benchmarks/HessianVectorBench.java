package io.adjoint.benchmarks;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.HessianOperator;
import io.adjoint.ScalarFunction;
import io.adjoint.ValueAndGradient;
import io.adjoint.benchmarks.hand.HandGradients;
import io.adjoint.benchmarks.workloads.Gmm;
import io.adjoint.benchmarks.workloads.LennardJones;
import io.adjoint.benchmarks.workloads.Mlp;
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
 * Second order: the Hessian-vector product H(x) v (Newton-CG, trust-region and Lanczos methods need one per inner
 * step), against one gradient of the same function in the same run, and against what a user without second-order AD
 * writes, central differences of two exact gradients. A solver asks for many products at one point: the recording kept
 * ({@code Gradients.hessianAt}, made in the set-up) is measured per product. Rosenbrock's hand-written H v is in
 * {@link RosenbrockHvpHandBench}. The direction is v_i = sin(i + 1).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx4g"})
public class HessianVectorBench {
    @Param({"rosenbrock-100", "rosenbrock-10000", "gmm-2x5", "mlp-small", "lennardJones-64"})
    public String problem;

    ScalarFunction f;
    double[] x;
    double[] v;
    Gradient gradient;
    HessianOperator hessianAtX;
    double[] product;

    /** The function and point of {@code problem} ("workload-size"), as the first-order benchmarks have them. */
    static Object[] problem(String problem) {
        String[] p = problem.split("-", 2);
        return switch (p[0]) {
            case "rosenbrock" -> new Object[] {(ScalarFunction) Rosenbrock::extended,
                    Rosenbrock.start(Integer.parseInt(p[1]))};
            case "gmm" -> {
                Gmm.Instance g = GmmBench.instance(p[1]);
                yield new Object[] {Inspect.gmmFunction(g), g.params()};
            }
            case "mlp" -> {
                Mlp.Instance m = Mlp.instance(p[1]);
                yield new Object[] {Inspect.mlpFunction(m), m.w()};
            }
            case "lennardJones" -> new Object[] {(ScalarFunction) LennardJones::energy,
                    LennardJones.lattice(Integer.parseInt(p[1]))};
            default -> throw new IllegalArgumentException(problem);
        };
    }

    static double[] direction(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.sin(i + 1);
        }
        return v;
    }

    @Setup
    public void setup() {
        Object[] p = problem(problem);
        f = (ScalarFunction) p[0];
        x = (double[]) p[1];
        v = direction(x.length);
        gradient = Gradients.of(f);
        hessianAtX = Gradients.hessianAt(f, x);
        product = new double[x.length];
    }

    @Benchmark
    public double primal() {
        return f.apply(x);
    }

    @Benchmark
    public ValueAndGradient adjointGradient() {
        return gradient.valueAndGradient(x);
    }

    @Benchmark
    public double[] adjointHvp() {
        return Gradients.hvp(f, x, v);
    }

    /** One more product at the same point: the recording and its first-order adjoints are kept. */
    @Benchmark
    public double[] adjointHvpRecorded() {
        return hessianAtX.times(v, product);
    }

    @Benchmark
    public double[] gradientDifferences() {
        return FiniteDifferences.hvpOfGradients(gradient::at, x, v);
    }
}
