package io.adjoint.agent.host;

import io.adjoint.NotDifferentiableException;
import io.adjoint.agent.link.Twins;
import io.adjoint.internal.Entry;
import io.adjoint.internal.FloatOps;
import io.adjoint.internal.LibraryRules;
import io.adjoint.internal.Primitives;
import io.adjoint.internal.Slot;
import io.adjoint.internal.Tape;
import org.objectweb.asm.Type;

import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entry prologue's hook: a method of the application called by uninstrumented code while this thread
 * records runs its twin. Arguments take their slots from the pending {@link Entry.Frame} where the primal
 * values match (else they are passive); a double result goes back through the frame, and an active result
 * that nobody awaits is refused, because its derivative would be lost in the uninstrumented caller.
 */
public final class EntryHook {
    private EntryHook() {
    }

    public static boolean enabled() {
        return Entry.here();
    }

    /** The bootstrap of the entry prologue's invokedynamic ({@link Hooks#bootstrap}). */
    public static CallSite bootstrap(MethodHandles.Lookup caller, String name, MethodType type, String nameDesc) {
        return Hooks.bootstrap(CALL, caller, name, type, nameDesc);
    }

    private static final MethodHandle CALL = Hooks.call(EntryHook.class);

    /**
     * Rule-backed methods (FastMath.log called by a lambda proxy for FastMath::log, a method with a user rule) are
     * entered through their rule, as at any call site in twin code: their own bytecode may be bit tricks whose
     * derivative no tape can follow. Static methods only (rules are for static methods); cached per class.
     */
    private static final ClassValue<Map<String, Optional<MethodHandle>>> RULES = new ClassValue<>() {
        @Override
        protected Map<String, Optional<MethodHandle>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private static MethodHandle ruleOrTwin(Class<?> host, String name, String desc) {
        Optional<MethodHandle> rule = RULES.get(host).computeIfAbsent(name + desc, k -> {
            String owner = Type.getInternalName(host);
            MethodHandle r = Primitives.lookup(owner, name, desc);
            if (r == null) {
                r = LibraryRules.link(owner, name, desc, host.getClassLoader());
            }
            return Optional.ofNullable(r);
        });
        return rule.isPresent() ? rule.get() : Twins.handle(host, name, desc);
    }

    public static Object call(Class<?> host, String nameDesc, Object receiver, Object[] args) throws Throwable {
        if (!Entry.here()) {
            return Hooks.NOT_ENTERED;
        }
        Tape t = Tape.current();
        int paren = nameDesc.indexOf('(');
        String name = nameDesc.substring(0, paren), desc = nameDesc.substring(paren);
        MethodHandle twin = t == null || Entry.suspended() ? null : ruleOrTwin(host, name, desc);
        if (twin == null) {
            return Hooks.NOT_ENTERED;
        }
        Entry.Frame frame = Entry.take();
        Type[] params = Type.getArgumentTypes(desc);
        List<Object> twinArgs = new ArrayList<>(params.length + 2);
        if (receiver != null) {
            twinArgs.add(receiver);
        }
        for (int i = 0; i < params.length; i++) {
            Object a = args[i];
            if (params[i].getSort() == Type.DOUBLE) {
                double v = (Double) a;
                long slot = Slot.passive(v);
                int k = frame == null ? -1 : frame.slots.length - (params.length - i);
                if (k >= 0 && frame.slots[k] != 0 && Double.doubleToRawLongBits(t.primal(frame.slots[k]))
                        == Double.doubleToRawLongBits(v)) {
                    slot = frame.slots[k];
                }
                twinArgs.add(slot);
            } else if (params[i].getSort() == Type.FLOAT) {
                float v = (Float) a;
                int k = frame == null ? -1 : frame.slots.length - (params.length - i);
                if (k >= 0 && frame.slots[k] != 0 && Float.floatToRawIntBits((float) t.primal(frame.slots[k]))
                        == Float.floatToRawIntBits(v)) {
                    twinArgs.add(FloatOps.fromSlot(frame.slots[k], t));
                } else {
                    twinArgs.add(FloatOps.fromFloat(v));
                }
            } else {
                twinArgs.add(a);
            }
        }
        twinArgs.add(t);
        Object r = twin.invokeWithArguments(twinArgs);
        int sort = Type.getReturnType(desc).getSort();
        if (sort != Type.DOUBLE && sort != Type.FLOAT) {
            return r;
        }
        long slot = sort == Type.DOUBLE ? (Long) r : FloatOps.toSlot((Float) r, t);
        if (frame != null && frame.awaitsResult) {
            frame.result = slot;
            frame.resultSet = true;
        } else if (Slot.isActive(slot)) {
            throw new NotDifferentiableException(host.getName() + "." + name + desc + " returned an active value to "
                    + "code Adjoint does not instrument (a JDK stream, callback or reflective call); its derivative "
                    + "would be lost there");
        }
        return sort == Type.DOUBLE ? (Object) t.primal(slot) : (Object) (float) t.primal(slot);
    }
}
