package io.adjoint.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Spliterator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.IntToDoubleFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Rules for JDK streams of doubles. A stream made in twin code from doubles ({@code Arrays.stream},
 * {@code DoubleStream.of}) or by mapping to doubles ({@code IntStream.mapToDouble}, {@code Stream.mapToDouble})
 * becomes an {@link ActiveDoubleStream}, which carries slots and calls the application's functions through
 * entry frames; the double-valued results ({@code sum}, {@code reduce}, {@code OptionalDouble.getAsDouble})
 * come back as slots. Only streams of known, finite size are taken over; others stay the JDK's, where an
 * active value returned into them is refused loudly.
 */
final class StreamRules {
    private StreamRules() {
    }

    private static final int OPTIONAL_FIELD = Ops.fieldId("java.util.OptionalDouble.value");
    private static final MethodHandles.Lookup L = MethodHandles.lookup();

    static void register() throws ReflectiveOperationException {
        row("java/util/Arrays", "stream", "([D)Ljava/util/stream/DoubleStream;", "arrayStream",
                DoubleStream.class, double[].class, Tape.class);
        row("java/util/Arrays", "stream", "([DII)Ljava/util/stream/DoubleStream;", "arrayRange",
                DoubleStream.class, double[].class, int.class, int.class, Tape.class);
        row("java/util/stream/DoubleStream", "of", "([D)Ljava/util/stream/DoubleStream;", "arrayStream",
                DoubleStream.class, double[].class, Tape.class);
        row("java/util/stream/DoubleStream", "of", "(D)Ljava/util/stream/DoubleStream;", "single",
                DoubleStream.class, long.class, Tape.class);
        row("java/util/stream/IntStream", "mapToDouble",
                "(Ljava/util/function/IntToDoubleFunction;)Ljava/util/stream/DoubleStream;", "fromInts",
                DoubleStream.class, IntStream.class, IntToDoubleFunction.class, Tape.class);
        row("java/util/stream/Stream", "mapToDouble",
                "(Ljava/util/function/ToDoubleFunction;)Ljava/util/stream/DoubleStream;", "fromObjects",
                DoubleStream.class, Stream.class, ToDoubleFunction.class, Tape.class);
        row("java/util/stream/DoubleStream", "sum", "()D", "sum", long.class, DoubleStream.class, Tape.class);
        row("java/util/stream/DoubleStream", "reduce", "(DLjava/util/function/DoubleBinaryOperator;)D", "reduce",
                long.class, DoubleStream.class, long.class, DoubleBinaryOperator.class, Tape.class);
        row("java/util/stream/Collectors", "summingDouble",
                "(Ljava/util/function/ToDoubleFunction;)Ljava/util/stream/Collector;", "summing",
                java.util.stream.Collector.class, ToDoubleFunction.class, Tape.class);
        row("java/util/stream/Collectors", "averagingDouble",
                "(Ljava/util/function/ToDoubleFunction;)Ljava/util/stream/Collector;", "averaging",
                java.util.stream.Collector.class, ToDoubleFunction.class, Tape.class);
        row("java/util/stream/Stream", "collect", "(Ljava/util/stream/Collector;)Ljava/lang/Object;", "collect",
                Object.class, Stream.class, java.util.stream.Collector.class, Tape.class);
        row("java/util/OptionalDouble", "getAsDouble", "()D", "getAsDouble", long.class, OptionalDouble.class, Tape.class);
        row("java/util/OptionalDouble", "orElseThrow", "()D", "getAsDouble", long.class, OptionalDouble.class, Tape.class);
        row("java/util/OptionalDouble", "orElse", "(D)D", "orElse", long.class, OptionalDouble.class, long.class,
                Tape.class);
    }

    private static void row(String owner, String name, String desc, String method, Class<?> r, Class<?>... params)
            throws ReflectiveOperationException {
        MethodHandle h = L.findStatic(StreamRules.class, method, MethodType.methodType(r, params));
        Primitives.register(owner, name, desc, h);
    }

    // ---- making active streams --------------------------------------------------------------------

    static DoubleStream arrayStream(double[] a, Tape t) {
        return arrayRange(a, 0, a.length, t);
    }

    static DoubleStream arrayRange(double[] a, int from, int to, Tape t) {
        java.util.Objects.checkFromToIndex(from, to, a.length);
        double[] v = new double[to - from];
        long[] s = new long[to - from];
        for (int i = from; i < to; i++) {
            s[i - from] = Ops.daload(a, i, t);
            v[i - from] = a[i];
        }
        return new ActiveDoubleStream(v, s, t);
    }

    static DoubleStream single(long x, Tape t) {
        return new ActiveDoubleStream(new double[] {t.primal(x)}, new long[] {x}, t);
    }

    static DoubleStream fromInts(IntStream ints, IntToDoubleFunction f, Tape t) {
        Spliterator.OfInt split = ints.spliterator();
        if (!split.hasCharacteristics(Spliterator.SIZED)) { // maybe infinite: leave it to the JDK, loud if active
            return StreamSupport.intStream(split, ints.isParallel()).mapToDouble(f);
        }
        List<Long> slots = new ArrayList<>();
        split.forEachRemaining((int i) -> slots.add(
                Callbacks.call(f, new long[] {0}, t, () -> f.applyAsDouble(i), "IntStream.mapToDouble")));
        return collected(slots, t);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static DoubleStream fromObjects(Stream objects, ToDoubleFunction f, Tape t) {
        Spliterator<Object> split = objects.spliterator();
        if (!split.hasCharacteristics(Spliterator.SIZED)) {
            return StreamSupport.stream(split, objects.isParallel()).mapToDouble(f);
        }
        List<Long> slots = new ArrayList<>();
        MethodHandle rule = LambdaRules.of(f.getClass()); // Double::doubleValue: the box's own slot
        boolean onObjects = rule != null && rule.type().parameterCount() == 2 && !rule.type().parameterType(0).isPrimitive();
        split.forEachRemaining(o -> slots.add(onObjects ? applyRule(rule, o, t)
                : Callbacks.call(f, new long[] {0}, t, () -> f.applyAsDouble(o), "Stream.mapToDouble")));
        return collected(slots, t);
    }

    private static long applyRule(MethodHandle rule, Object o, Tape t) {
        try {
            return (long) rule.invoke(o, t);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static DoubleStream collected(List<Long> slots, Tape t) {
        double[] v = new double[slots.size()];
        long[] s = new long[slots.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = slots.get(i);
            v[i] = t.primal(s[i]);
        }
        return new ActiveDoubleStream(v, s, t);
    }

    // ---- Collectors.summingDouble / averagingDouble --------------------------------------------------

    /** The JDK's collector, remembered with its function so that Stream.collect can take it over. */
    record DoubleCollector<T>(java.util.stream.Collector<T, ?, Double> jdk, ToDoubleFunction<T> f, boolean average)
            implements java.util.stream.Collector<T, Object, Double> {
        @SuppressWarnings("unchecked")
        private java.util.stream.Collector<T, Object, Double> delegate() {
            return (java.util.stream.Collector<T, Object, Double>) jdk;
        }

        @Override
        public java.util.function.Supplier<Object> supplier() {
            return delegate().supplier();
        }

        @Override
        public java.util.function.BiConsumer<Object, T> accumulator() {
            return delegate().accumulator();
        }

        @Override
        public java.util.function.BinaryOperator<Object> combiner() {
            return delegate().combiner();
        }

        @Override
        public java.util.function.Function<Object, Double> finisher() {
            return delegate().finisher();
        }

        @Override
        public java.util.Set<Characteristics> characteristics() {
            return delegate().characteristics();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static java.util.stream.Collector summing(ToDoubleFunction f, Tape t) {
        return new DoubleCollector(java.util.stream.Collectors.summingDouble(f), f, false);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static java.util.stream.Collector averaging(ToDoubleFunction f, Tape t) {
        return new DoubleCollector(java.util.stream.Collectors.averagingDouble(f), f, true);
    }

    /** Stream.collect: summing and averaging collectors over a finite stream give a Double carrying its slot. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object collect(Stream stream, java.util.stream.Collector collector, Tape t) {
        if (!(collector instanceof DoubleCollector dc)) {
            return stream.collect(collector);
        }
        DoubleStream doubles = fromObjects(stream, dc.f(), t);
        if (!(doubles instanceof ActiveDoubleStream active)) {
            // a stream of unknown size: the JDK's pipeline (loud if an active value comes back into it)
            Stream<Double> boxed = doubles.boxed();
            return dc.average() ? boxed.collect(java.util.stream.Collectors.averagingDouble(Double::doubleValue))
                    : boxed.collect(java.util.stream.Collectors.summingDouble(Double::doubleValue));
        }
        long slot = dc.average() ? active.averageSlot() : active.sumSlot();
        return LibraryRules.box(slot, t);
    }

    // ---- results ----------------------------------------------------------------------------------

    static long sum(DoubleStream s, Tape t) {
        return s instanceof ActiveDoubleStream a ? a.sumSlot() : Slot.passive(s.sum());
    }

    static long reduce(DoubleStream s, long identity, DoubleBinaryOperator op, Tape t) {
        ActiveDoubleStream a = s instanceof ActiveDoubleStream active ? active
                : (ActiveDoubleStream) arrayStream(s.toArray(), t);
        return a.reduceSlot(identity, op);
    }

    static long getAsDouble(OptionalDouble o, Tape t) {
        double v = o.getAsDouble(); // NoSuchElementException when empty, as without Adjoint
        long slot = t.shadows.field(o, OPTIONAL_FIELD);
        return slot != 0 ? slot : Slot.passive(v);
    }

    static long orElse(OptionalDouble o, long other, Tape t) {
        return o.isPresent() ? getAsDouble(o, t) : other;
    }

    /** An OptionalDouble whose value carries {@code slot} (by identity, as boxes do). */
    static OptionalDouble optional(long slot, Tape t) {
        OptionalDouble o = OptionalDouble.of(t.primal(slot));
        if (Slot.isActive(slot)) {
            t.shadows.putField(o, OPTIONAL_FIELD, slot);
        }
        return o;
    }

    /**
     * A node for value = sum of coefficient * slot over the active slots (sum, average). A node holds at most
     * {@link Tape#MAX_ARITY} arguments, so long sums are chained through helper nodes.
     */
    static long linear(double value, long[] slots, double coefficient, Tape t) {
        long chain = 0; // the helper node of the slots taken so far (0: none yet)
        int i = 0;
        while (true) {
            int room = Tape.MAX_ARITY - (chain != 0 ? 1 : 0);
            int end = i, active = 0;
            while (end < slots.length && active < room) {
                if (Slot.isActive(slots[end++])) {
                    active++;
                }
            }
            if (active == 0 && chain == 0) {
                return Slot.passive(value);
            }
            boolean last = end == slots.length;
            t.begin(active + (chain != 0 ? 1 : 0));
            t.arg(chain, 1.0); // passive (skipped) for the first node
            for (int j = i; j < end; j++) {
                t.arg(slots[j], coefficient);
            }
            chain = t.end(last ? value : 0.0); // a helper node's value is never read
            if (last) {
                return chain;
            }
            i = end;
        }
    }
}
