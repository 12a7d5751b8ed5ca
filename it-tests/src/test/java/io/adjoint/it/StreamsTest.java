package io.adjoint.it;

import io.adjoint.Gradients;
import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

import static io.adjoint.it.Check.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JDK streams over active values, and method references to Math, against hand-derived gradients. */
class StreamsTest {

    record Particle(double m, double v) {
        double energy() {
            return 0.5 * m * v * v;
        }
    }

    static double apply(DoubleUnaryOperator f, double x) {
        return f.applyAsDouble(x);
    }

    @Test
    void mapAndSumOverAnArray() {
        double[] g = Gradients.of(x -> Arrays.stream(x).map(v -> v * v).sum()).at(1, 2, 3);
        Check.gradient(new double[] {2, 4, 6}, g, ANALYTIC, "sum of squares");
    }

    @Test
    void dotProductThroughIntStreamMapToDouble() {
        double[] g = Gradients.of(x -> IntStream.range(0, 2).mapToDouble(i -> x[i] * x[i + 2]).sum()).at(1, 2, 3, 4);
        Check.gradient(new double[] {3, 4, 1, 2}, g, ANALYTIC, "dot");
    }

    @Test
    void aLambdaCapturingAnActiveValue() {
        double[] g = Gradients.of(x -> {
            double s = x[0];
            return DoubleStream.of(1, 2, 3).map(v -> v * s * s).sum();
        }).at(2);
        Check.gradient(new double[] {6 * 2 * 2}, g, ANALYTIC, "captured"); // d/ds 6 s^2 = 12 s
    }

    @Test
    void averageMaxMinAndTheirValues() {
        var f = (io.adjoint.ScalarFunction) x -> Arrays.stream(x).average().getAsDouble()
                + 10 * Arrays.stream(x).max().getAsDouble() + 100 * Arrays.stream(x).min().orElse(0);
        double[] x = {1, 5, 3};
        assertEquals(f.apply(x.clone()), Gradients.of(f).valueAndGradient(x).value());
        Check.gradient(new double[] {1.0 / 3 + 100, 1.0 / 3 + 10, 1.0 / 3}, Gradients.of(f).at(x), ANALYTIC, "avg max min");
    }

    @Test
    void objectsMappedToDoubles() {
        double[] g = Gradients.of(x -> List.of(new Particle(x[0], x[1]), new Particle(2, x[2])).stream()
                .mapToDouble(Particle::energy).sum()).at(2, 3, 4);
        Check.gradient(new double[] {4.5, 6, 8}, g, ANALYTIC, "energies"); // 0.5 v^2, m v, m v
    }

    @Test
    void reduceFilterSortedLimitToArray() {
        Check.gradient(new double[] {12, 8, 6},
                Gradients.of(x -> Arrays.stream(x).reduce(1, (p, q) -> p * q)).at(2, 3, 4), ANALYTIC, "product");
        Check.gradient(new double[] {0, 1, 0},
                Gradients.of(x -> Arrays.stream(x).sorted().limit(1).sum()).at(3, 1, 2), ANALYTIC, "smallest");
        Check.gradient(new double[] {0, 2 * 5, 0},
                Gradients.of(x -> Arrays.stream(x).filter(v -> v > 4).map(v -> v * v).sum()).at(3, 5, 2), ANALYTIC, "filtered");
        Check.gradient(new double[] {0, Math.E},
                Gradients.of(x -> Arrays.stream(x).map(Math::exp).toArray()[1]).at(0, 1), ANALYTIC, "Math::exp");
    }

    @Test
    void methodReferencesToMathCalledFromTwinCode() {
        double[] g = Gradients.of(x -> apply(Math::sin, x[0]) + apply(Math::exp, x[0])).at(1);
        Check.gradient(new double[] {Math.cos(1) + Math.exp(1)}, g, ANALYTIC, "Math::sin + Math::exp");
    }

    @Test
    void aStreamOfUnknownSizeStaysTheJdksAndIsLoud() {
        NotDifferentiableException e = assertThrows(NotDifferentiableException.class, () -> Gradients.of(
                x -> IntStream.iterate(0, i -> i + 1).limit(2).mapToDouble(i -> x[i]).sum()).at(1, 2));
        assertTrue(e.getMessage().contains("StreamsTest"), e.getMessage());
    }

    @Test
    void aLongSum() {
        double[] g = Gradients.of(x -> Arrays.stream(x).sum()).at(new double[5000]);
        for (double gi : g) {
            assertEquals(1.0, gi);
        }
    }

    @Test
    void collectorsSummingAndAveraging() {
        double[] g = Gradients.of(x -> List.of(new Particle(x[0], x[1]), new Particle(2, x[2])).stream()
                .collect(java.util.stream.Collectors.summingDouble(Particle::energy))).at(2, 3, 4);
        Check.gradient(new double[] {4.5, 6, 8}, g, ANALYTIC, "summingDouble");
        double[] a = Gradients.of(x -> List.of(new Particle(x[0], x[1]), new Particle(2, x[2])).stream()
                .collect(java.util.stream.Collectors.averagingDouble(Particle::energy))).at(2, 3, 4);
        Check.gradient(new double[] {2.25, 3, 4}, a, ANALYTIC, "averagingDouble");
    }
}
