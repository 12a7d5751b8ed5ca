package io.adjoint.it.validation;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.adjoint.it.validation.V.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Eight threads computing eight different gradients at once; one Gradient shared by eight threads. */
class ThreadsTest {
    private static final int THREADS = 8;
    private static final int CALLS = 200;

    private static double[] input(int thread, int call) {
        double[] x = new double[4 + thread % 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(thread * 1.3 + i * 2.1 + call * 0.017) * 1.5; // distinct values: no ties for sort
        }
        return x;
    }

    private static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
        CyclicBarrier start = new CyclicBarrier(tasks.size());
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await(); // the first calls, and the generation and linking of twins, race
                    return task.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(100, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void eightThreadsEightDifferentGradients() throws Exception {
        List<Callable<double[][]>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int k = t;
            tasks.add(() -> {
                Gradient reverse = Gradients.of(ThreadsTarget.FUNCTIONS[k]);
                Gradient forward = Gradients.forward(ThreadsTarget.FUNCTIONS[k]);
                double[][] out = new double[CALLS][];
                for (int c = 0; c < CALLS; c++) {
                    out[c] = (c % 2 == 0 ? reverse : forward).at(input(k, c));
                }
                return out;
            });
        }
        List<double[][]> results = race(tasks);
        for (int k = 0; k < THREADS; k++) {
            Gradient alone = Gradients.of(ThreadsTarget.FUNCTIONS[k]);
            for (int c = 0; c < CALLS; c++) {
                double[] x = input(k, c);
                String what = "function " + k + " call " + c + (c % 2 == 0 ? " (reverse)" : " (forward)");
                V.compare(what, ThreadsTarget.gradient(k, x), results.get(k)[c], ANALYTIC);
                if (c % 2 == 0) {
                    assertArrayEquals(alone.at(x), results.get(k)[c], what + ": same bits as alone on one thread");
                }
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneGradientSharedByEightThreads() throws Exception {
        Gradient shared = Gradients.of(LambdasTarget::gaussianIntegral);
        Gradient sharedForward = Gradients.forward(LambdasTarget::gaussianIntegral);
        List<Callable<double[][]>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            tasks.add(() -> {
                double[][] out = new double[CALLS / 4][];
                for (int c = 0; c < out.length; c++) {
                    double a = 0.1 + 0.05 * thread + 0.01 * c;
                    out[c] = (c % 2 == 0 ? shared : sharedForward).at(a);
                }
                return out;
            });
        }
        List<double[][]> results = race(tasks);
        for (int t = 0; t < THREADS; t++) {
            for (int c = 0; c < CALLS / 4; c++) {
                double a = 0.1 + 0.05 * t + 0.01 * c;
                double expected = LambdasTarget.simpson(s -> -s * s * Math.exp(-a * s * s), 0, 1, 100);
                V.close(expected, results.get(t)[c][0], ANALYTIC, 0, "thread " + t + " call " + c);
            }
        }
    }
}
