package io.adjoint.it.host;

import io.adjoint.Gradients;
import io.adjoint.it.app.Funcs;

/**
 * The programmatic path in a child JVM without -javaagent: f is called once before anything attached (not
 * reported: there is no agent yet), then the first Gradients call attaches the agent, which reads its options
 * from the adjoint.* system properties, and f is called again (reported if adjoint.report names it).
 */
public final class ProgrammaticMain {
    private ProgrammaticMain() {
    }

    public static void main(String[] args) {
        System.out.println("main started");
        System.out.println("before attach: " + Funcs.f(0.5, 2.0));
        try {
            double[] g = Gradients.of(x -> x[0] * x[1]).at(3.0, 4.0);
            System.out.println("gradient: " + g[0] + "," + g[1]);
        } catch (RuntimeException e) {
            System.out.println("gradients failed: " + e.getMessage());
        }
        System.out.println("after attach: " + Funcs.f(-1.25, 3.5));
        System.out.println("main finished");
    }
}
