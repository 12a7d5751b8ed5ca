package io.adjoint.agent.twin;

import io.adjoint.agent.twin.targets.Escapes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The escape analysis that lets a gradient reuse its input copy (read from the compiled target class): every
 * function that keeps nothing of its array is recognised, and every way of keeping it counts as an escape.
 */
class ArgumentEscapeTest {
    private static final String OWNER = Escapes.class.getName().replace('.', '/');

    @ParameterizedTest(name = "{0}{1} parameter {2} escapes: {3}")
    @CsvSource({
        "sumOfSquares, ([D)D, 0, false",
        "throughHelpers, ([DI[D)D, 2, false",
        "throughHelpers, ([DI[D)D, 0, false",
        "writesElementsAndCopies, ([D)D, 0, false",
        "instanceThroughPrivate, ([D)D, 0, false",
        "intoStatic, ([D)D, 0, true",
        "intoField, ([D)D, 0, true",
        "intoArray, ([D)D, 0, true",
        "intoCollection, ([D)D, 0, true",
        "capturedByLambda, ([D)D, 0, true",
        "returnedByHelper, ([D)D, 0, true",
        "throughHelperThatKeeps, ([D[D)D, 1, true",
        "throughHelperThatKeeps, ([D[D)D, 0, false",
        "throughLocalAndMerge, ([DZ)D, 0, true",
        "lockedOn, ([D)D, 0, true",
        "asListOfJdk, ([D)D, 0, true",
        "nativeMethod, ([D)D, 0, true",
        "notAnArray, (D)D, 0, true",
        "noSuchMethod, ([D)D, 0, true",
        "sumOfSquares, ([D)D, 1, true",
    })
    void decides(String name, String desc, int param, boolean escapes) {
        assertEquals(escapes, ArgumentEscape.mayEscape(Escapes.class.getClassLoader(), OWNER, name, desc, param));
    }
}
