package io.adjoint.it.host;

import io.adjoint.Gradients;

import java.util.function.DoubleUnaryOperator;

/**
 * Run in a child JVM with -javaagent: {@code Square.applyAsDouble} is called through JDK code (a lambda of
 * {@code DoubleUnaryOperator.andThen}) until the JIT has compiled that path, with the entry prologue's test
 * folded to the constant false (no recording yet); then the first gradient goes through the same JDK code.
 * Only if the first recording switched the prologues' test (and the compiled code was thrown away) does the
 * call enter Square's twin; otherwise its derivative is lost and Adjoint throws.
 */
public final class EntryAfterWarmupMain {
    private EntryAfterWarmupMain() {
    }

    /** An application class the JDK calls back. */
    static final class Square implements DoubleUnaryOperator {
        @Override
        public double applyAsDouble(double x) {
            return x * x;
        }
    }

    static final DoubleUnaryOperator VIA_JDK = DoubleUnaryOperator.identity().andThen(new Square());

    static double viaJdk(double[] x) {
        return VIA_JDK.applyAsDouble(x[0]);
    }

    public static void main(String[] args) {
        int warm = Integer.parseInt(args[0]);
        double sink = 0;
        for (int i = 0; i < warm; i++) {
            sink += VIA_JDK.applyAsDouble(i * 1e-6);
        }
        System.out.println("warmed " + warm + " " + (sink > 0));
        double[] g = Gradients.of(EntryAfterWarmupMain::viaJdk).at(3.0);
        System.out.println("gradient " + g[0]);
    }
}
