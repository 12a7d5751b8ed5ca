package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.PrimitiveIterator;
import java.util.Spliterator;
import java.util.function.BiConsumer;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleConsumer;
import java.util.function.DoubleFunction;
import java.util.function.DoublePredicate;
import java.util.function.DoubleToIntFunction;
import java.util.function.DoubleToLongFunction;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ObjDoubleConsumer;
import java.util.function.Supplier;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * A {@link DoubleStream} over active values, made by the stream rules ({@link StreamRules}) when a stream
 * is created from data that carries derivatives. It is eager and sequential: each operation runs at once
 * over slots, calling the application's functions through {@link Callbacks}, in the element order a
 * sequential JDK stream uses. Values are the JDK's own (terminal operations compute them with a JDK
 * stream over the primal values); derivatives are those of the mathematical operation (d sum / dx_i = 1).
 */
final class ActiveDoubleStream implements DoubleStream {
    private final double[] values;
    private final long[] slots;
    private final Tape t;

    ActiveDoubleStream(double[] values, long[] slots, Tape t) {
        this.values = values;
        this.slots = slots;
        this.t = t;
    }

    private static NotDifferentiableException unsupported(String op) {
        return new NotDifferentiableException("DoubleStream." + op + " on active values is not differentiated "
                + "(sum, average, min, max, map, filter, reduce, sorted, limit, skip, toArray, boxed, forEach are)");
    }

    private ActiveDoubleStream with(double[] v, long[] s) {
        return new ActiveDoubleStream(v, s, t);
    }

    @Override
    public DoubleStream filter(DoublePredicate predicate) {
        double[] v = new double[values.length];
        long[] s = new long[values.length];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            if (Callbacks.effect(predicate, new long[] {slots[i]}, t, () -> predicate.test(x))) {
                v[n] = x;
                s[n++] = slots[i];
            }
        }
        return with(Arrays.copyOf(v, n), Arrays.copyOf(s, n));
    }

    @Override
    public DoubleStream map(DoubleUnaryOperator mapper) {
        double[] v = new double[values.length];
        long[] s = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            s[i] = Callbacks.call(mapper, new long[] {slots[i]}, t, () -> mapper.applyAsDouble(x),
                    "DoubleStream.map");
            v[i] = t.primal(s[i]);
        }
        return with(v, s);
    }

    @Override
    public <U> Stream<U> mapToObj(DoubleFunction<? extends U> mapper) {
        List<U> out = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            out.add(Callbacks.effect(mapper, new long[] {slots[i]}, t, () -> mapper.apply(x)));
        }
        return out.stream();
    }

    @Override
    public IntStream mapToInt(DoubleToIntFunction mapper) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            out[i] = Callbacks.effect(mapper, new long[] {slots[i]}, t, () -> mapper.applyAsInt(x));
        }
        return IntStream.of(out);
    }

    @Override
    public LongStream mapToLong(DoubleToLongFunction mapper) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            out[i] = Callbacks.effect(mapper, new long[] {slots[i]}, t, () -> mapper.applyAsLong(x));
        }
        return LongStream.of(out);
    }

    @Override
    public DoubleStream flatMap(DoubleFunction<? extends DoubleStream> mapper) {
        throw unsupported("flatMap");
    }

    @Override
    public DoubleStream distinct() {
        throw unsupported("distinct");
    }

    @Override
    public DoubleStream sorted() {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b])); // Arrays.sort(double[])'s order
        double[] v = new double[values.length];
        long[] s = new long[values.length];
        for (int i = 0; i < order.length; i++) {
            v[i] = values[order[i]];
            s[i] = slots[order[i]];
        }
        return with(v, s);
    }

    @Override
    public DoubleStream peek(DoubleConsumer action) {
        forEach(action);
        return this;
    }

    @Override
    public DoubleStream limit(long maxSize) {
        int n = (int) Math.min(values.length, maxSize);
        return with(Arrays.copyOf(values, n), Arrays.copyOf(slots, n));
    }

    @Override
    public DoubleStream skip(long n) {
        int from = (int) Math.min(values.length, n);
        return with(Arrays.copyOfRange(values, from, values.length), Arrays.copyOfRange(slots, from, slots.length));
    }

    @Override
    public void forEach(DoubleConsumer action) {
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            Callbacks.effect(action, new long[] {slots[i]}, t, () -> {
                action.accept(x);
                return null;
            });
        }
    }

    @Override
    public void forEachOrdered(DoubleConsumer action) {
        forEach(action);
    }

    @Override
    public double[] toArray() {
        double[] out = values.clone();
        System.arraycopy(slots, 0, t.shadows.arrayShadowForWrite(out, out.length), 0, slots.length);
        return out;
    }

    /** The slot of {@code reduce(identity, op)}: a left fold through the application's operator. */
    long reduceSlot(long identity, DoubleBinaryOperator op) {
        long acc = identity;
        for (int i = 0; i < values.length; i++) {
            double a = t.primal(acc), x = values[i];
            acc = Callbacks.call(op, new long[] {acc, slots[i]}, t, () -> op.applyAsDouble(a, x), "DoubleStream.reduce");
        }
        return acc;
    }

    @Override
    public double reduce(double identity, DoubleBinaryOperator op) {
        return t.primal(reduceSlot(Slot.passive(identity), op));
    }

    @Override
    public OptionalDouble reduce(DoubleBinaryOperator op) {
        if (values.length == 0) {
            return OptionalDouble.empty();
        }
        ActiveDoubleStream rest = with(Arrays.copyOfRange(values, 1, values.length),
                Arrays.copyOfRange(slots, 1, slots.length));
        return StreamRules.optional(rest.reduceSlot(slots[0], op), t);
    }

    @Override
    public <R> R collect(Supplier<R> supplier, ObjDoubleConsumer<R> accumulator, BiConsumer<R, R> combiner) {
        throw unsupported("collect");
    }

    /** The slot of the sum: the JDK's own (compensated) value, derivative 1 for every element. */
    long sumSlot() {
        double sum = DoubleStream.of(values).sum();
        return StreamRules.linear(sum, slots, 1.0, t);
    }

    @Override
    public double sum() {
        return t.primal(sumSlot());
    }

    @Override
    public OptionalDouble min() {
        return extreme(false);
    }

    @Override
    public OptionalDouble max() {
        return extreme(true);
    }

    /** The selected element's slot, as Math.max/min would pick it (first of equals; NaN wins). */
    private OptionalDouble extreme(boolean max) {
        if (values.length == 0) {
            return OptionalDouble.empty();
        }
        OptionalDouble jdk = max ? DoubleStream.of(values).max() : DoubleStream.of(values).min();
        double v = jdk.getAsDouble();
        for (int i = 0; i < values.length; i++) {
            if (Double.doubleToRawLongBits(values[i]) == Double.doubleToRawLongBits(v)) {
                return StreamRules.optional(slots[i], t);
            }
        }
        return jdk; // -0.0 versus 0.0 and the like: the JDK's value, passive
    }

    @Override
    public long count() {
        return values.length;
    }

    @Override
    public OptionalDouble average() {
        if (values.length == 0) {
            return OptionalDouble.empty();
        }
        return StreamRules.optional(averageSlot(), t);
    }

    /** The slot of the average (0.0 for no elements, as Collectors.averagingDouble gives). */
    long averageSlot() {
        if (values.length == 0) {
            return Slot.passive(0.0);
        }
        double avg = DoubleStream.of(values).average().getAsDouble();
        return StreamRules.linear(avg, slots, 1.0 / values.length, t);
    }

    @Override
    public java.util.DoubleSummaryStatistics summaryStatistics() {
        throw unsupported("summaryStatistics");
    }

    @Override
    public boolean anyMatch(DoublePredicate predicate) {
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            if (Callbacks.effect(predicate, new long[] {slots[i]}, t, () -> predicate.test(x))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean allMatch(DoublePredicate predicate) {
        return !anyMatch(predicate.negate());
    }

    @Override
    public boolean noneMatch(DoublePredicate predicate) {
        return !anyMatch(predicate);
    }

    @Override
    public OptionalDouble findFirst() {
        return values.length == 0 ? OptionalDouble.empty() : StreamRules.optional(slots[0], t);
    }

    @Override
    public OptionalDouble findAny() {
        return findFirst();
    }

    @Override
    public Stream<Double> boxed() {
        List<Double> out = new ArrayList<>(values.length);
        for (long s : slots) {
            out.add(LibraryRules.box(s, t));
        }
        return out.stream();
    }

    @Override
    public DoubleStream sequential() {
        return this;
    }

    @Override
    public DoubleStream parallel() {
        return this; // eager and sequential: the results are those of the sequential stream
    }

    @Override
    public PrimitiveIterator.OfDouble iterator() {
        throw unsupported("iterator");
    }

    @Override
    public Spliterator.OfDouble spliterator() {
        throw unsupported("spliterator");
    }

    @Override
    public boolean isParallel() {
        return false;
    }

    @Override
    public DoubleStream unordered() {
        return this;
    }

    @Override
    public DoubleStream onClose(Runnable closeHandler) {
        throw unsupported("onClose");
    }

    @Override
    public void close() {
    }

    @Override
    public DoubleStream takeWhile(DoublePredicate predicate) {
        return limit(prefix(predicate));
    }

    @Override
    public DoubleStream dropWhile(DoublePredicate predicate) {
        return skip(prefix(predicate));
    }

    private int prefix(DoublePredicate predicate) {
        int n = 0;
        while (n < values.length) {
            double x = values[n];
            if (!Callbacks.effect(predicate, new long[] {slots[n]}, t, () -> predicate.test(x))) {
                break;
            }
            n++;
        }
        return n;
    }
}
