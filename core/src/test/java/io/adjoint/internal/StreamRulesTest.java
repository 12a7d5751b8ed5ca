package io.adjoint.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.DoubleStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream rules without callbacks (those need instrumented lambdas: it-tests StreamsTest covers map,
 * filter, reduce, mapToDouble and method references).
 */
class StreamRulesTest {

    /** Row -> receiver type (Void.class for static methods). */
    static final Map<String, Class<?>> ROWS = Map.ofEntries(
            Map.entry("java/util/Arrays.stream([D)Ljava/util/stream/DoubleStream;", Void.class),
            Map.entry("java/util/Arrays.stream([DII)Ljava/util/stream/DoubleStream;", Void.class),
            Map.entry("java/util/stream/DoubleStream.of([D)Ljava/util/stream/DoubleStream;", Void.class),
            Map.entry("java/util/stream/DoubleStream.of(D)Ljava/util/stream/DoubleStream;", Void.class),
            Map.entry("java/util/stream/IntStream.mapToDouble(Ljava/util/function/IntToDoubleFunction;)Ljava/util/stream/DoubleStream;",
                    java.util.stream.IntStream.class),
            Map.entry("java/util/stream/Stream.mapToDouble(Ljava/util/function/ToDoubleFunction;)Ljava/util/stream/DoubleStream;",
                    java.util.stream.Stream.class),
            Map.entry("java/util/stream/DoubleStream.sum()D", DoubleStream.class),
            Map.entry("java/util/stream/DoubleStream.reduce(DLjava/util/function/DoubleBinaryOperator;)D", DoubleStream.class),
            Map.entry("java/util/stream/Collectors.summingDouble(Ljava/util/function/ToDoubleFunction;)Ljava/util/stream/Collector;", Void.class),
            Map.entry("java/util/stream/Collectors.averagingDouble(Ljava/util/function/ToDoubleFunction;)Ljava/util/stream/Collector;", Void.class),
            Map.entry("java/util/stream/Stream.collect(Ljava/util/stream/Collector;)Ljava/lang/Object;", java.util.stream.Stream.class),
            Map.entry("java/util/OptionalDouble.getAsDouble()D", OptionalDouble.class),
            Map.entry("java/util/OptionalDouble.orElseThrow()D", OptionalDouble.class),
            Map.entry("java/util/OptionalDouble.orElse(D)D", OptionalDouble.class));

    private Tape t;
    private double[] x;

    @BeforeEach
    void open() {
        t = Tape.open();
        x = new double[] {3.0, -1.0, 2.0, 5.0};
        Ops.seed(x, t);
    }

    @AfterEach
    void close() {
        t.close();
    }

    private static MethodHandle rule(String key) {
        int dot = key.lastIndexOf('.', key.indexOf('('));
        return Primitives.lookup(key.substring(0, dot), key.substring(dot + 1, key.indexOf('(')), key.substring(key.indexOf('(')));
    }

    private DoubleStream stream() throws Throwable {
        return (DoubleStream) rule("java/util/Arrays.stream([D)Ljava/util/stream/DoubleStream;").invoke(x, t);
    }

    @Test
    void sumHasTheJdkValueAndUnitPartials() throws Throwable {
        long s = (long) rule("java/util/stream/DoubleStream.sum()D").invoke(stream(), t);
        assertEquals(DoubleStream.of(3.0, -1.0, 2.0, 5.0).sum(), t.primal(s));
        assertArrayEquals(new double[] {1, 1, 1, 1}, t.gradient(s, 4), 0.0);
    }

    @Test
    void aLongSumChainsNodesOfBoundedArity() throws Throwable {
        Tape big = Tape.open();
        try {
            double[] y = new double[1000];
            java.util.Arrays.fill(y, 0.5);
            Ops.seed(y, big);
            DoubleStream s = (DoubleStream) rule("java/util/Arrays.stream([D)Ljava/util/stream/DoubleStream;").invoke(y, big);
            long sum = (long) rule("java/util/stream/DoubleStream.sum()D").invoke(s, big);
            assertEquals(500.0, big.primal(sum));
            double[] g = big.gradient(sum, 1000);
            for (double gi : g) {
                assertEquals(1.0, gi);
            }
        } finally {
            big.close();
        }
    }

    @Test
    void averageMaxMinFindFirstCarrySlotsThroughOptionalDouble() throws Throwable {
        MethodHandle get = rule("java/util/OptionalDouble.getAsDouble()D");
        long avg = (long) get.invoke(stream().average(), t);
        long max = (long) get.invoke(stream().max(), t);
        long min = (long) rule("java/util/OptionalDouble.orElseThrow()D").invoke(stream().min(), t);
        long first = (long) rule("java/util/OptionalDouble.orElse(D)D").invoke(stream().findFirst(), Slot.passive(7), t);
        assertEquals(2.25, t.primal(avg));
        assertEquals(5.0, t.primal(max));
        assertEquals(-1.0, t.primal(min));
        assertEquals(3.0, t.primal(first));
        long total = Ops.add(Ops.add(avg, Ops.mul(max, Slot.passive(10), t), t),
                Ops.add(Ops.mul(min, Slot.passive(100), t), Ops.mul(first, Slot.passive(1000), t), t), t);
        assertArrayEquals(new double[] {0.25 + 1000, 0.25 + 100, 0.25, 0.25 + 10}, t.gradient(total, 4), 0.0);
    }

    @Test
    void emptyOptionalBehavesAsWithoutAdjoint() throws Throwable {
        OptionalDouble none = stream().filter(v -> v > 100).max();
        assertFalse(none.isPresent());
        long other = (long) rule("java/util/OptionalDouble.orElse(D)D").invoke(none, Slot.passive(7), t);
        assertEquals(7.0, Slot.value(other));
        assertThrows(java.util.NoSuchElementException.class, () -> rule("java/util/OptionalDouble.getAsDouble()D").invoke(none, t));
    }

    @Test
    void sortedLimitSkipToArrayFollowTheValues() throws Throwable {
        double[] sorted = stream().sorted().skip(1).limit(2).toArray(); // {2, 3}
        assertArrayEquals(new double[] {2.0, 3.0}, sorted, 0.0);
        long a = Ops.daload(sorted, 0, t), b = Ops.daload(sorted, 1, t);
        long f = Ops.add(a, Ops.mul(b, Slot.passive(10), t), t);
        assertArrayEquals(new double[] {10, 0, 1, 0}, t.gradient(f, 4), 0.0);
    }

    @Test
    void rangeAndSingleStreams() throws Throwable {
        DoubleStream range = (DoubleStream) rule("java/util/Arrays.stream([DII)Ljava/util/stream/DoubleStream;").invoke(x, 1, 3, t);
        DoubleStream one = (DoubleStream) rule("java/util/stream/DoubleStream.of(D)Ljava/util/stream/DoubleStream;")
                .invoke(Ops.daload(x, 3, t), t);
        long s1 = (long) rule("java/util/stream/DoubleStream.sum()D").invoke(range, t);
        long s2 = (long) rule("java/util/stream/DoubleStream.sum()D").invoke(one, t);
        assertEquals(1.0, t.primal(s1));
        assertTrue(Slot.isActive(s2));
        assertArrayEquals(new double[] {0, 1, 1, 1}, t.gradient(Ops.add(s1, s2, t), 4), 0.0);
    }

    @Test
    void collectorsKeepTheirJdkBehaviourOutsideTwinCode() throws Throwable {
        @SuppressWarnings("unchecked")
        java.util.stream.Collector<Double, ?, Double> sum = (java.util.stream.Collector<Double, ?, Double>) rule(
                "java/util/stream/Collectors.summingDouble(Ljava/util/function/ToDoubleFunction;)Ljava/util/stream/Collector;")
                .invoke((java.util.function.ToDoubleFunction<Double>) Double::doubleValue, t);
        assertEquals(6.0, java.util.stream.Stream.of(1.0, 2.0, 3.0).collect(sum)); // used by the JDK as is
        Object viaRule = rule("java/util/stream/Stream.collect(Ljava/util/stream/Collector;)Ljava/lang/Object;")
                .invoke(java.util.stream.Stream.of(1.0, 2.0, 3.0), sum, t);
        assertEquals(6.0, viaRule);
    }

    @Test
    void passiveJdkStreamsStayPassive() throws Throwable {
        long s = (long) rule("java/util/stream/DoubleStream.sum()D").invoke(DoubleStream.of(1, 2), t);
        assertFalse(Slot.isActive(s));
        assertEquals(3.0, Slot.value(s));
    }
}
