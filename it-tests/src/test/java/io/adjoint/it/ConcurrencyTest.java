package io.adjoint.it;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.adjoint.it.Check.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** One Gradient used from 8 threads at once, each with its own inputs: every result exact. */
class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int CALLS = 300;

    /** Only this test uses this class, so its twins are generated and linked while the threads race. */
    static final class ThreadModel {
        private ThreadModel() {
        }

        static double f(double[] x) {
            double s = 0;
            for (int i = 0; i + 1 < x.length; i++) {
                s += x[i] * Math.sin(x[i + 1]);
            }
            return s + helper(x[0], x[x.length - 1]);
        }

        private static double helper(double a, double b) {
            double[] t = {a * b, Math.exp(a) / (1 + b * b)};
            return t[0] + t[1];
        }

        static double[] gradient(double[] x) {
            int n = x.length;
            double[] g = new double[n];
            for (int i = 0; i + 1 < n; i++) {
                g[i] += Math.sin(x[i + 1]);
                g[i + 1] += x[i] * Math.cos(x[i + 1]);
            }
            double a = x[0], b = x[n - 1];
            g[0] += b + Math.exp(a) / (1 + b * b);
            g[n - 1] += a - Math.exp(a) * 2 * b / ((1 + b * b) * (1 + b * b));
            return g;
        }
    }

    private static double[] input(int thread, int call) {
        double[] x = new double[6 + thread];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.cos(thread * 1.7 + i * 0.9 + call * 0.013);
        }
        return x;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void eightThreadsShareOneGradient() throws Exception {
        Gradient g = Gradients.of(ThreadModel::f);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<double[][]>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    double[][] results = new double[CALLS][];
                    start.await(); // first calls (and the linking of the twins) race
                    for (int c = 0; c < CALLS; c++) {
                        results[c] = c % 2 == 0 ? g.at(input(thread, c)) : g.valueAndGradient(input(thread, c)).gradient();
                    }
                    return results;
                }));
            }
            for (int t = 0; t < THREADS; t++) {
                double[][] results = futures.get(t).get(100, TimeUnit.SECONDS);
                for (int c = 0; c < CALLS; c++) {
                    double[] x = input(t, c);
                    // the same call made alone on this thread gives the same bits
                    assertArrayEquals(g.at(x), results[c], "thread " + t + " call " + c);
                    Check.gradient(ThreadModel.gradient(x), results[c], ANALYTIC, "thread " + t + " call " + c);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(true, pool.awaitTermination(10, TimeUnit.SECONDS));
    }
}
