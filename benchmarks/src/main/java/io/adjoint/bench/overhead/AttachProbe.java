package io.adjoint.bench.overhead;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The programmatic path, run with adjoint-agent.jar on the class path and no -javaagent: times the first
 * {@code Gradients.of(f).at(x)} (self-attach, twin generation, one gradient) and the second. With the argument
 * {@code attach-only} it times the attach alone ({@code AdjointAgent.ensureInstalled()}). This module is not
 * compiled against Adjoint, so the API is reached by reflection and f is made as javac makes a serializable
 * lambda.
 */
public final class AttachProbe {
    private AttachProbe() {
    }

    static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            s += 100 * Workload.sq(x[i + 1] - x[i] * x[i]) + Workload.sq(1 - x[i]);
        }
        return s;
    }

    public static void main(String[] args) throws Throwable {
        if (args.length > 0 && args[0].equals("attach-only")) {
            long t0 = System.nanoTime();
            Class.forName("io.adjoint.agent.AdjointAgent").getMethod("ensureInstalled").invoke(null);
            System.out.println("attach " + (System.nanoTime() - t0) / 1e6);
            return;
        }
        Class<?> sf = Class.forName("io.adjoint.ScalarFunction");
        MethodHandles.Lookup l = MethodHandles.lookup();
        MethodType dd = MethodType.methodType(double.class, double[].class);
        MethodHandle impl = l.findStatic(AttachProbe.class, "rosenbrock", dd);
        CallSite site = LambdaMetafactory.altMetafactory(l, "apply", MethodType.methodType(sf), dd, impl, dd,
                LambdaMetafactory.FLAG_SERIALIZABLE);
        Object f = site.getTarget().invoke();
        Class<?> gradients = Class.forName("io.adjoint.Gradients");
        double[] x = {-1.2, 1.0, 0.5, 2.0};
        long t0 = System.nanoTime();
        Object g = gradients.getMethod("of", sf).invoke(null, f);
        java.lang.reflect.Method at = Class.forName("io.adjoint.Gradient").getMethod("at", double[].class);
        double[] first = (double[]) at.invoke(g, (Object) x);
        long t1 = System.nanoTime();
        double[] second = (double[]) at.invoke(g, (Object) x);
        long t2 = System.nanoTime();
        System.out.println("first " + (t1 - t0) / 1e6 + " second " + (t2 - t1) / 1e6 + " g0 " + first[0] + " "
                + second[0]);
    }
}
