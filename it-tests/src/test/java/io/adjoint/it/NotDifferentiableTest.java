package io.adjoint.it;

import io.adjoint.Gradient;
import io.adjoint.Gradients;
import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.adjoint.it.Check.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** An active value going into an opaque JDK call that could carry the derivative on: refused loudly. */
class NotDifferentiableTest {

    /** The line of Opaque.java that holds "OPAQUE-CALL tag". */
    private static int line(String tag) throws IOException {
        List<String> lines = Files.readAllLines(
                Path.of(System.getProperty("basedir", "."), "src/test/java/io/adjoint/it/Opaque.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// OPAQUE-CALL " + tag)) {
                return i + 1;
            }
        }
        return fail("no OPAQUE-CALL " + tag + " in Opaque.java");
    }

    private static void assertNames(String message, String callee, String tag) throws IOException {
        assertTrue(message.contains(callee), "the message should name the callee " + callee + ": " + message);
        String at = "Opaque.java:" + line(tag) + ")";
        assertTrue(message.contains(at), "the message should name the caller's line " + at + ": " + message);
    }

    /** OptionalDouble.of(double) has no rule (see io.adjoint.internal.Primitives) and returns an object. */
    @Test
    void optionalOfAnActiveValue() throws IOException {
        Gradient g = Gradients.of(Opaque::optional);
        NotDifferentiableException e = assertThrows(NotDifferentiableException.class, () -> g.at(1.0, 2.0));
        assertNames(e.getMessage(), "java.util.OptionalDouble.of(D)Ljava/util/OptionalDouble;", "optional");
        assertNull(io.adjoint.internal.Tape.current());
        // the same again: the linked call site stays loud
        e = assertThrows(NotDifferentiableException.class, () -> g.valueAndGradient(3.0, 4.0));
        assertNames(e.getMessage(), "java.util.OptionalDouble.of(D)Ljava/util/OptionalDouble;", "optional");
    }

    /** Arrays.stream over active values used to be refused; streams now have rules and differentiate. */
    @Test
    void streamOfAnActiveArrayNowDifferentiates() {
        double[] g = Gradients.of(Opaque::stream).at(1.0, 2.0, 3.0); // sum / n
        Check.gradient(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, g, Check.ANALYTIC, "stream sum / n");
    }

    @Test
    void passiveUsesOfOpaqueCallsAreFine() {
        double[] x = {1.5, -2.0};
        double[] g = Gradients.of(Opaque::passiveUses).at(x);
        double textLength = Double.toString(x[0]).length();
        Check.gradient(new double[] {5, textLength + 1}, g, ANALYTIC, "passive uses");
    }
}
