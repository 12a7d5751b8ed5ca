package io.adjoint.agent.host;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/** What prologues share: the answer "not handled, run the original code", and the slow path's linkage. */
public final class Hooks {
    private Hooks() {
    }

    public static final Object NOT_ENTERED = new Object();

    /**
     * Links a prologue's invokedynamic ({@code callStatic} or {@code callVirtual}, type (receiver?, args...)Object)
     * to {@code call(Class host, String nameDesc, Object receiverOrNull, Object[] args)}: the arguments boxed
     * into the array, the host being the class whose method the prologue is in.
     */
    public static CallSite bootstrap(MethodHandle call, MethodHandles.Lookup caller, String name, MethodType type,
                                     String nameDesc) {
        MethodHandle h = MethodHandles.insertArguments(call, 0, caller.lookupClass(), nameDesc);
        boolean isStatic = name.equals("callStatic");
        if (isStatic) {
            h = MethodHandles.insertArguments(h, 0, (Object) null);
        }
        h = h.asCollector(Object[].class, type.parameterCount() - (isStatic ? 0 : 1));
        return new ConstantCallSite(h.asType(type));
    }

    static MethodHandle call(Class<?> hook) {
        try {
            return MethodHandles.lookup().findStatic(hook, "call", MethodType.methodType(Object.class, Class.class,
                    String.class, Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
