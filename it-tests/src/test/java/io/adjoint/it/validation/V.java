package io.adjoint.it.validation;

import io.adjoint.Gradients;
import io.adjoint.NotDifferentiableException;
import io.adjoint.ScalarFunction;
import io.adjoint.UnivariateFunction;
import io.adjoint.ValueAndGradient;
import io.adjoint.internal.Tape;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The validation suite's one way of checking a target (in the spirit of JaCoCo's validation tests: a small
 * target per language feature, one assertion helper). Every check runs the target three ways:
 * <ol>
 *   <li>as plain Java, for the value;</li>
 *   <li>{@link Gradients#of} (reverse mode): the value must be bit-identical to the plain run, and the
 *       gradient must match an independent reference (a hand-derived formula or Richardson-extrapolated
 *       central differences, whichever the test passes);</li>
 *   <li>{@link Gradients#forward} (forward mode): value bit-identical, gradient equal to reverse mode's.</li>
 * </ol>
 */
final class V {
    private V() {
    }

    /** A hand-derived formula: the only error is rounding in the program and in the formula (a few ulps each). */
    static final double ANALYTIC = 1e-10;
    /**
     * Richardson-extrapolated central differences ({@link #fd}): truncation error O(h^6) with h = 1e-2 |x| plus
     * rounding eps * |f| / h ~ 1e-13 |f| / |x|: 1e-7 leaves margin for functions whose 7th derivatives are large.
     */
    static final double FD = 1e-7;
    /**
     * Forward against reverse mode: both sum the same recorded partials, in a different order, so they differ only
     * by rounding in those sums (relative to the largest gradient entry, which is the size of the terms summed).
     */
    static final double MODES = 1e-12;

    /** Checks value (plain vs reverse vs forward), reverse gradient against {@code expected}, forward against reverse. */
    static double[] gradient(String what, ScalarFunction f, double[] x, double[] expected, double tol) {
        double plain = f.apply(x.clone());
        ValueAndGradient reverse = Gradients.of(f).valueAndGradient(x);
        assertNull(Tape.current(), what + ": no recording left open");
        assertEquals(plain, reverse.value(), what + ": reverse mode records the value the program computes");
        compare(what + " (reverse vs reference)", expected, reverse.gradient(), tol);
        ValueAndGradient forward = Gradients.forward(f).valueAndGradient(x);
        assertEquals(plain, forward.value(), what + ": forward mode records the value the program computes");
        compare(what + " (forward vs reverse)", reverse.gradient(), forward.gradient(), MODES);
        return reverse.gradient();
    }

    /** As {@link #gradient}, with the Richardson finite-difference gradient of the plain function as reference. */
    /** Each Hessian row against Richardson differences of the (independently checked) reverse gradient. */
    static void hessianAgainstFd(String what, ScalarFunction f, double[] x) {
        double[][] h = Gradients.hessian(f).at(x);
        for (int i = 0; i < x.length; i++) {
            int row = i;
            compare(what + " Hessian row " + i, fdGradient(y -> Gradients.of(f).at(y)[row], x), h[i], FD);
        }
    }

    static double[] gradientFd(String what, ScalarFunction f, double[] x) {
        return gradient(what, f, x, fdGradient(f, x), FD);
    }

    /** A function of one variable, through {@link Gradients#derivative} and (for forward mode) as a gradient. */
    static double derivative(String what, UnivariateFunction f, double x, double expected, double tol) {
        return derivative(what, f, x, expected, tol, 0);
    }

    /** As above, with |error| <= tol * max(|expected|, scale) (see {@link #close}). */
    static double derivative(String what, UnivariateFunction f, double x, double expected, double tol, double scale) {
        double d = Gradients.derivative(f).at(x);
        close(expected, d, tol, scale, what + " (derivative vs reference)");
        ScalarFunction g = v -> f.apply(v[0]);
        double plain = f.apply(x);
        ValueAndGradient reverse = Gradients.of(g).valueAndGradient(x);
        assertEquals(plain, reverse.value(), what + ": reverse mode records the value the program computes");
        close(d, reverse.gradient()[0], MODES, 0, what + " (derivative vs gradient)");
        ValueAndGradient forward = Gradients.forward(g).valueAndGradient(x);
        assertEquals(plain, forward.value(), what + ": forward mode records the value the program computes");
        close(d, forward.gradient()[0], MODES, 0, what + " (forward vs reverse)");
        return d;
    }

    /**
     * For cases that are known not to work yet: the gradient must be exact (to {@code tol}) or the call must throw
     * {@link NotDifferentiableException}, in both modes; a silently wrong gradient fails.
     */
    static void exactOrLoud(String what, ScalarFunction f, double[] x, double[] expected, double tol) {
        for (boolean reverse : new boolean[] {true, false}) {
            double[] g;
            try {
                g = (reverse ? Gradients.of(f) : Gradients.forward(f)).at(x);
            } catch (NotDifferentiableException e) {
                continue; // loud: acceptable
            }
            compare(what + (reverse ? " (reverse)" : " (forward)") + ": neither exact nor loud", expected, g, tol);
        }
    }

    /**
     * The loud cases: reverse and forward mode both throw {@link NotDifferentiableException} whose message names
     * {@code callee} and the caller's class, method and source line: method {@code tag} of the class in {@code file}
     * (in this package), at the line ending with {@code // LOUD tag}. Returns the reverse-mode exception.
     */
    static NotDifferentiableException loud(String what, ScalarFunction f, double[] x, String callee, String file,
                                           String tag) {
        NotDifferentiableException e = assertThrows(NotDifferentiableException.class,
                () -> Gradients.of(f).at(x), what + ": reverse mode must refuse");
        assertNull(Tape.current(), what + ": no recording left open");
        NotDifferentiableException e2 = assertThrows(NotDifferentiableException.class,
                () -> Gradients.forward(f).at(x), what + ": forward mode must refuse");
        for (NotDifferentiableException ex : new NotDifferentiableException[] {e, e2}) {
            String m = ex.getMessage();
            assertTrue(m.contains(callee), what + ": the message should name the callee " + callee + ": " + m);
            if (file != null) { // the tag is the calling method's name: "pkg.Class.method(File.java:line)"
                String at = V.class.getPackageName() + "." + file.replace(".java", "") + "." + tag + "(" + file + ":"
                        + line(file, tag) + ")";
                assertTrue(m.contains(at), what + ": the message should name the caller " + at + ": " + m);
            }
        }
        return e;
    }

    /** The line of {@code file} (a source of this package) that ends with {@code // LOUD tag}. */
    static int line(String file, String tag) {
        Path p = Path.of(System.getProperty("basedir", "."), "src/test/java/io/adjoint/it/validation", file);
        try {
            List<String> lines = Files.readAllLines(p);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).endsWith("// LOUD " + tag)) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fail("no line ending with // LOUD " + tag + " in " + p);
    }

    // ---- comparisons ------------------------------------------------------------------------------

    /**
     * Entry by entry: |actual - expected| <= tol * max(|expected_i|, scale) with scale = 1e-3 * max_j |expected_j|,
     * so that a component much smaller than the rest (the result of cancellation) is judged against the size
     * of the terms that cancelled, not against itself. An expected exact zero with all others zero must be 0.
     */
    static void compare(String what, double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": gradient length");
        double big = 0;
        for (double e : expected) {
            if (Double.isFinite(e)) {
                big = Math.max(big, Math.abs(e));
            }
        }
        for (int i = 0; i < expected.length; i++) {
            close(expected[i], actual[i], tol, 1e-3 * big, what + "[" + i + "]");
        }
    }

    static void close(double expected, double actual, double rel, double scale, String what) {
        if (Double.isNaN(expected) || Double.isNaN(actual) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        double bound = rel * Math.max(Math.abs(expected), scale);
        if (!(Math.abs(actual - expected) <= bound)) {
            fail(what + ": expected " + expected + " but was " + actual + " (difference "
                    + Math.abs(actual - expected) + " > " + bound + ")");
        }
    }

    // ---- finite differences, computed by calling the function as plain Java ---------------------------

    /** d/dx f by central differences with two Richardson steps (see {@link io.adjoint.it.Check#fd}). */
    static double fd(DoubleUnaryOperator f, double x) {
        return io.adjoint.it.Check.fd(f, x);
    }

    static double[] fdGradient(ScalarFunction f, double[] x) {
        return io.adjoint.it.Check.fdGradient(f, x);
    }
}
