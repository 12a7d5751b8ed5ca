package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;

import java.lang.invoke.MethodHandle;
import java.util.function.Supplier;

/**
 * Calls from Adjoint's own runtime (stream rules) into the application's functions with slots: the same
 * {@link Entry.Frame} protocol a twin's boundary uses. The function's body (a lambda's implementation, a
 * callback class) is entered as a twin and hands its result slot back; a lambda created in twin code also
 * gets back the slots of the doubles it captured.
 */
final class Callbacks {
    private Callbacks() {
    }

    /** Runs {@code call} (which calls {@code function} with the primal values of {@code args}); returns the result slot. */
    static long call(Object function, long[] args, Tape t, Supplier<Double> call, String what) {
        MethodHandle rule = LambdaRules.of(function.getClass());
        if (rule != null && rule.type().parameterCount() == args.length + 1
                && rule.type().parameterType(0) == long.class) { // Math::exp and the like
            Object[] ruleArgs = new Object[args.length + 1];
            for (int i = 0; i < args.length; i++) {
                ruleArgs[i] = args[i];
            }
            ruleArgs[args.length] = t;
            try {
                return (long) rule.invokeWithArguments(ruleArgs);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
        long[] slots = withCaptures(function, args, t);
        Entry.Frame frame = new Entry.Frame(slots, true);
        Entry.Frame previous = Entry.enter(frame);
        double r;
        try {
            r = call.get();
        } finally {
            Entry.leave(previous);
        }
        if (frame.resultSet && Double.doubleToRawLongBits(t.primal(frame.result)) == Double.doubleToRawLongBits(r)) {
            return frame.result;
        }
        for (long s : slots) {
            if (Slot.isActive(s)) {
                throw new NotDifferentiableException(what + ": the function " + function.getClass().getName()
                        + " runs uninstrumented and receives an active value; its derivative would be lost");
            }
        }
        return Slot.passive(r);
    }

    /** Calls a function for its effect only (a consumer, a predicate): slots go in, nothing comes back. */
    static <R> R effect(Object function, long[] args, Tape t, Supplier<R> call) {
        long[] slots = withCaptures(function, args, t);
        Entry.Frame previous = Entry.enter(new Entry.Frame(slots, false));
        try {
            return call.get();
        } finally {
            Entry.leave(previous);
        }
    }

    /** The frame's slots: those of the doubles a lambda made in twin code captured, then the arguments. */
    private static long[] withCaptures(Object function, long[] args, Tape t) {
        long[] captured = Entry.capturesOf(function, t);
        if (captured == null) {
            return args;
        }
        long[] slots = new long[captured.length + args.length];
        System.arraycopy(captured, 0, slots, 0, captured.length);
        System.arraycopy(args, 0, slots, captured.length, args.length);
        return slots;
    }
}
