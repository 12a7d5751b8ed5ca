package io.adjoint.it.host;

import io.adjoint.Gradients;
import io.adjoint.agent.link.JitDirective;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/**
 * Computes one gradient (so that twins, with a preaccumulated block, are generated), waits for the JIT directive
 * (link/JitDirective) to be added or given up, then prints the JVM's compiler directives as jcmd would.
 */
public final class JitDirectiveMain {
    private JitDirectiveMain() {
    }

    static double pair(double[] x) {
        double t = x[1] - x[0] * x[0];
        return 100 * t * t + (1 - x[0]) * (1 - x[0]);
    }

    public static void main(String[] args) throws Exception {
        double[] g = Gradients.of(JitDirectiveMain::pair).at(-1.2, 1.0);
        System.out.println("gradient: " + g[0] + "," + g[1]);
        JitDirective.awaitForTests();
        System.out.println(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[]{new String[0]}, new String[]{String[].class.getName()}));
    }
}
