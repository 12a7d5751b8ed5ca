package io.adjoint.internal;

import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The rule table has exactly the rows the rule tests cover, so a row added without a test fails here,
 * and each row's handle has the documented shape: the call's descriptor with every double as a long
 * slot, plus the tape.
 */
class PrimitivesTableTest {

    private static final String[] MEMORY_ROWS = {
            "java/lang/System.arraycopy(Ljava/lang/Object;ILjava/lang/Object;II)V",
            "java/util/Arrays.copyOf([DI)[D",
            "java/util/Arrays.copyOfRange([DII)[D",
            "java/util/Arrays.fill([DD)V",
            "java/util/Arrays.fill([DIID)V",
            "java/util/Arrays.sort([D)V",
            "java/util/Arrays.sort([DII)V"};

    private static String descriptorOf(String name) {
        return switch (name) {
            case "fma" -> "(DDD)D";
            case "scalb" -> "(DI)D";
            case "round" -> "(D)J";
            case "getExponent" -> "(D)I";
            default -> null;
        };
    }

    /** Every row some test in this package checks. */
    private static Set<String> testedRows() {
        Set<String> rows = new TreeSet<>();
        for (String owner : new String[] {Rec.MATH, Rec.STRICT}) {
            for (String n : UnaryRulesTest.names()) {
                rows.add(owner + "." + n + "(D)D");
            }
            for (String n : ConventionsTest.names()) {
                String d = descriptorOf(n);
                rows.add(owner + "." + n + (d != null ? d : "(D)D"));
            }
            for (String n : BinaryRulesTest.names()) {
                String d = descriptorOf(n);
                rows.add(owner + "." + n + (d != null ? d : "(DD)D"));
            }
        }
        rows.addAll(Set.of(MEMORY_ROWS));
        rows.addAll(LibraryRulesTest.ROWS.keySet());
        rows.addAll(FloatOpsTest.ROWS);
        rows.addAll(StreamRulesTest.ROWS.keySet());
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, MethodHandle> table() throws ReflectiveOperationException {
        Field f = Primitives.class.getDeclaredField("RULES");
        f.setAccessible(true);
        return (Map<String, MethodHandle>) f.get(null);
    }

    @Test
    void everyRowIsTested() throws ReflectiveOperationException {
        assertEquals(testedRows(), new TreeSet<>(table().keySet()));
    }

    @Test
    void handlesHaveTheSlotShape() throws ReflectiveOperationException {
        for (Map.Entry<String, MethodHandle> e : table().entrySet()) {
            String key = e.getKey();
            MethodType call = MethodType.fromMethodDescriptorString(key.substring(key.indexOf('(')), null);
            MethodType expected = call;
            for (int i = 0; i < call.parameterCount(); i++) {
                if (call.parameterType(i) == double.class) {
                    expected = expected.changeParameterType(i, long.class);
                }
            }
            if (call.returnType() == double.class) {
                expected = expected.changeReturnType(long.class);
            }
            Class<?> receiver = LibraryRulesTest.ROWS.getOrDefault(key, StreamRulesTest.ROWS.get(key));
            if (receiver != null && receiver != Void.class) {
                expected = expected.insertParameterTypes(0, receiver);
            }
            expected = expected.appendParameterTypes(Tape.class);
            assertEquals(expected, e.getValue().type(), key);
        }
    }

    @Test
    void lookupFindsRowsByOwnerNameAndDescriptor() {
        assertNotNull(Primitives.lookup("java/lang/Math", "sin", "(D)D"));
        assertNotNull(Primitives.lookup("java/lang/StrictMath", "sin", "(D)D"));
        assertNull(Primitives.lookup("java/lang/Math", "sin", "(F)F"));
        assertNull(Primitives.lookup("java/lang/Math", "abs", "(I)I"));
        assertNull(Primitives.lookup("java/lang/Mathx", "sin", "(D)D"));
    }
}
