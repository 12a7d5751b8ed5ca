package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rows LibraryRules adds: boxing, bits, Double.sum/max/min, stopGradient. */
class LibraryRulesTest {

    /** Row -> receiver type for instance methods, Void.class for static ones. */
    static final Map<String, Class<?>> ROWS = Map.ofEntries(
            Map.entry("java/lang/Double.valueOf(D)Ljava/lang/Double;", Void.class),
            Map.entry("java/lang/Double.doubleValue()D", Double.class),
            Map.entry("java/lang/Number.doubleValue()D", Number.class),
            Map.entry("java/lang/Double.doubleToRawLongBits(D)J", Void.class),
            Map.entry("java/lang/Double.doubleToLongBits(D)J", Void.class),
            Map.entry("java/lang/Double.longBitsToDouble(J)D", Void.class),
            Map.entry("java/lang/Double.sum(DD)D", Void.class),
            Map.entry("java/lang/Double.max(DD)D", Void.class),
            Map.entry("java/lang/Double.min(DD)D", Void.class),
            Map.entry("io/adjoint/Gradients.stopGradient(D)D", Void.class),
            Map.entry("java/lang/Double.parseDouble(Ljava/lang/String;)D", Void.class),
            Map.entry("java/lang/Double.valueOf(Ljava/lang/String;)Ljava/lang/Double;", Void.class));

    private Tape t;

    @BeforeEach
    void open() {
        t = Tape.open();
    }

    @AfterEach
    void close() {
        t.close();
    }

    private static MethodHandle rule(String owner, String name, String desc) {
        return Primitives.lookup(owner, name, desc);
    }

    @Test
    void boxingKeepsTheSlotByIdentity() throws Throwable {
        long x = t.input(3.0);
        long y = Ops.mul(x, x, t); // 9, dy/dx = 6
        Object box = (Double) rule("java/lang/Double", "valueOf", "(D)Ljava/lang/Double;").invoke(y, t);
        assertEquals(9.0, (Double) box);
        long back = (long) rule("java/lang/Double", "doubleValue", "()D").invoke((Double) box, t);
        assertEquals(y, back);
        long viaNumber = (long) rule("java/lang/Number", "doubleValue", "()D").invoke((Number) box, t);
        assertEquals(y, viaNumber);
        assertArrayEquals(new double[] {6.0}, t.gradient(Ops.add(back, Slot.passive(0), t), 1));
    }

    @Test
    void anEqualBoxMadeElsewhereIsPassive() throws Throwable {
        long x = t.input(2.0);
        Double active = (Double) rule("java/lang/Double", "valueOf", "(D)Ljava/lang/Double;").invoke(x, t);
        Double other = Double.valueOf(2.0);
        assertNotSame(active, other);
        long slot = (long) rule("java/lang/Double", "doubleValue", "()D").invoke(other, t);
        assertFalse(Slot.isActive(slot));
        assertEquals(2.0, Slot.value(slot));
    }

    @Test
    void bitsOfAnActiveValueMayBeTakenButNotTurnedBack() throws Throwable {
        long x = t.input(1.5);
        long bits = (long) rule("java/lang/Double", "doubleToRawLongBits", "(D)J").invoke(x, t);
        assertEquals(Double.doubleToRawLongBits(1.5), bits);
        MethodHandle back = rule("java/lang/Double", "longBitsToDouble", "(J)D");
        assertThrows(NotDifferentiableException.class, () -> back.invoke(bits + 1, t));
    }

    @Test
    void bitsOfPassiveValuesRoundTrip() throws Throwable {
        long bits = (long) rule("java/lang/Double", "doubleToLongBits", "(D)J").invoke(Slot.passive(Double.NaN), t);
        assertEquals(0x7ff8000000000000L, bits);
        long back = (long) rule("java/lang/Double", "longBitsToDouble", "(J)D").invoke(Double.doubleToRawLongBits(0.25), t);
        assertEquals(0.25, Slot.value(back));
    }

    @Test
    void sumMaxMinFollowTheArithmeticAndSelectionRules() throws Throwable {
        long a = t.input(2.0), b = t.input(5.0);
        long s = (long) rule("java/lang/Double", "sum", "(DD)D").invoke(a, b, t);
        long m = (long) rule("java/lang/Double", "max", "(DD)D").invoke(a, b, t);
        long n = (long) rule("java/lang/Double", "min", "(DD)D").invoke(a, b, t);
        assertEquals(7.0, t.primal(s));
        assertEquals(5.0, t.primal(m));
        assertEquals(2.0, t.primal(n));
        long total = Ops.add(Ops.add(s, Ops.mul(m, Slot.passive(10), t), t), Ops.mul(n, Slot.passive(100), t), t);
        assertArrayEquals(new double[] {101.0, 11.0}, t.gradient(total, 2)); // 1 + 100, 1 + 10
    }

    @Test
    void parsingIsPlainUntilAnActiveValueBecameText() throws Throwable {
        MethodHandle parse = rule("java/lang/Double", "parseDouble", "(Ljava/lang/String;)D");
        MethodHandle valueOf = rule("java/lang/Double", "valueOf", "(Ljava/lang/String;)Ljava/lang/Double;");
        assertEquals(2.5, Slot.value((long) parse.invoke("2.5", t)));
        assertEquals(2.5, (Double) valueOf.invoke("2.5", t));
        assertThrows(NumberFormatException.class, () -> parse.invoke("x", t));
        LibraryRules.textTaken(t);
        assertThrows(NotDifferentiableException.class, () -> parse.invoke("2.5", t));
        assertThrows(NotDifferentiableException.class, () -> valueOf.invoke("2.5", t));
    }

    @Test
    void stopGradientCutsTheDerivative() throws Throwable {
        long x = t.input(4.0);
        long stopped = (long) rule("io/adjoint/Gradients", "stopGradient", "(D)D").invoke(x, t);
        assertFalse(Slot.isActive(stopped));
        assertEquals(4.0, Slot.value(stopped));
        assertArrayEquals(new double[] {4.0}, t.gradient(Ops.mul(x, stopped, t), 1));
        assertTrue(Slot.isActive(x));
    }
}
