package io.adjoint.it;

import io.adjoint.Gradients;
import io.adjoint.agent.AdjointAgent;

import java.lang.reflect.Field;

/**
 * Run in a child JVM without any agent flag by {@link LoadedBeforeAttachTest}: loads and runs a class
 * holding a lambda, then takes its first gradient, which self-attaches the agent. Prints what it sees.
 */
public final class LoadedBeforeAttachMain {
    private LoadedBeforeAttachMain() {
    }

    public static void main(String[] args) throws Exception {
        double[] x = {0.3, -1.25};
        double plain = EarlyLambdas.F.apply(x); // EarlyLambdas is loaded, initialised and its lambda has run
        System.out.println("value=" + plain);
        System.out.println("attached-before-first-call=" + attached());
        double[] g = Gradients.of(EarlyLambdas.F).at(x);
        System.out.println("attached-after-first-call=" + attached());
        double[] expected = EarlyLambdas.gradient(x);
        System.out.println("gradient=" + g[0] + "," + g[1]);
        System.out.println("expected=" + expected[0] + "," + expected[1]);
    }

    private static boolean attached() throws ReflectiveOperationException {
        Field f = AdjointAgent.class.getDeclaredField("instrumentation");
        f.setAccessible(true);
        return f.get(null) != null;
    }
}
