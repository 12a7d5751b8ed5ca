package io.adjoint.it;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.ValueAndGradient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static io.adjoint.it.Check.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A gradient with a million inputs, in the forked JVM's default heap (no -Xmx in any execution). */
class LargeGradientTest {
    private static final int N = 1_000_000;

    static double sumOfSquaresAndSines(double[] x) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i] * x[i] + Math.sin(x[i]);
        }
        return sum;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void millionInputs() {
        double[] x = new double[N];
        for (int i = 0; i < N; i++) {
            x[i] = Math.sin(0.001 * i) * 3 + 0.5;
        }
        Gradient g = Gradients.of(LargeGradientTest::sumOfSquaresAndSines);
        for (int round = 0; round < 2; round++) { // the second round reuses the thread's grown tape
            long start = System.nanoTime();
            ValueAndGradient vg = g.valueAndGradient(x);
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.println("[adjoint-it] gradient of 10^6 inputs, round " + round + ": " + ms + " ms");
            double[] grad = vg.gradient();
            assertEquals(N, grad.length);
            for (int i : new int[] {0, 1, 2, 999, 123_456, 500_000, 777_777, N - 1}) {
                Check.close(2 * x[i] + Math.cos(x[i]), grad[i], ANALYTIC, "d/dx" + i);
            }
            int wrong = 0;
            for (int i = 0; i < N; i++) {
                double e = 2 * x[i] + Math.cos(x[i]);
                if (!(Math.abs(grad[i] - e) <= ANALYTIC * Math.max(Math.abs(e), 2 * Math.abs(x[i]) + 1))) {
                    wrong++;
                }
            }
            assertEquals(0, wrong, "components off the analytic gradient");
            Check.close(sumOfSquaresAndSines(x), vg.value(), 1e-15, "value");
        }
    }
}
