package io.adjoint.it.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The application the -javaagent tests run in a child JVM. It prints every result exactly (the double and its
 * bits), so that runs with and without the agent can be compared byte for byte. The argument picks a scenario.
 */
public final class App {
    private App() {
    }

    static void show(String what, double v) {
        System.out.println(what + " = " + v + " [" + Long.toHexString(Double.doubleToRawLongBits(v)) + "]");
    }

    public static void main(String[] args) throws Exception {
        System.out.println("main started");
        String scenario = args.length > 0 ? args[0] : "calls";
        switch (scenario) {
            case "calls" -> calls();
            case "nested" -> {
                show("h(0.7,-1.3)", Funcs.h(0.7, -1.3));
                show("h(2.0,0.5)", Funcs.h(2.0, 0.5));
            }
            case "recursion" -> show("power(1.1,4)", Funcs.power(1.1, 4));
            case "threads" -> threads(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException(scenario);
        }
        System.out.println("main finished");
    }

    static void calls() {
        show("f(0.5,2.0)", Funcs.f(0.5, 2.0));
        show("f(-1.25,3.5)", Funcs.f(-1.25, 3.5));
        show("g", Funcs.g(new double[] {1.5, -2.0, 0.25, 9.0}, 3, 0.75));
        double[] v = {1.0, -0.5, 3.0};
        show("scaleInPlace", Funcs.scaleInPlace(v));
        System.out.println("v after = " + Arrays.toString(v));
        show("power(1.1,4)", Funcs.power(1.1, 4));
        show("viaHelper(0.3,1.7)", Funcs.viaHelper(0.3, 1.7));
        show("bitTrick(2.0)", Funcs.bitTrick(2.0));
        double[] w = {3.0, 0.25};
        show("scaleThenBits", Funcs.scaleThenBits(w));
        System.out.println("w after = " + Arrays.toString(w));
        show("checkedSqrt(2.0)", Funcs.checkedSqrt(2.0));
        try {
            Funcs.checkedSqrt(-1.0);
            System.out.println("no exception");
        } catch (IllegalArgumentException e) {
            System.out.println("caught " + e.getMessage());
        }
        show("loss", new Model(0.5).loss(new double[] {0.5, 2.0, 1.0}));
    }

    /** {@code threads} threads at once, each calling f and h {@code calls} times with its own arguments. */
    static void threads(int threads, int calls) throws InterruptedException {
        List<Thread> all = new ArrayList<>();
        double[][] sums = new double[threads][1];
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        for (int k = 0; k < threads; k++) {
            int id = k;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                for (int i = 0; i < calls; i++) {
                    double x = 0.1 * id + 0.01 * i, y = 1.0 - 0.02 * i;
                    sums[id][0] += Funcs.f(x, y) + Funcs.h(x, y);
                }
            }, "worker-" + k);
            all.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : all) {
            t.join();
        }
        for (int k = 0; k < threads; k++) {
            show("sum" + k, sums[k][0]);
        }
    }
}
