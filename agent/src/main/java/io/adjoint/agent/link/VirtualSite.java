package io.adjoint.agent.link;


import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * One virtual or interface call site in twin code: for each receiver class, the method the JVM would
 * select, linked to its twin when it has one, else to a {@link Boundary} around the dispatching call.
 */
final class VirtualSite extends ClassValue<MethodHandle> {
    private final Class<?> owner;
    private final String name;
    private final String desc;
    private final MethodType plain;
    private final MethodType type;
    private final MethodHandles.Lookup hostLookup;
    private final String where;

    VirtualSite(Class<?> owner, String name, String desc, MethodType plain, MethodType type,
                MethodHandles.Lookup hostLookup, String where) {
        this.owner = owner;
        this.name = name;
        this.desc = desc;
        this.plain = plain;
        this.type = type;
        this.hostLookup = hostLookup;
        this.where = where;
    }

    private static final MethodHandle SELECT;

    static {
        try {
            SELECT = MethodHandles.lookup().findVirtual(VirtualSite.class, "select",
                    MethodType.methodType(MethodHandle.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** (receiver, args..., tape) -> select(receiver).invokeExact(receiver, args..., tape) */
    MethodHandle handle() {
        MethodHandle selector = SELECT.bindTo(this).asType(MethodType.methodType(MethodHandle.class,
                type.parameterType(0)));
        return MethodHandles.foldArguments(MethodHandles.exactInvoker(type), selector);
    }

    @SuppressWarnings("unused")
    private MethodHandle select(Object receiver) {
        return get(receiver.getClass());
    }

    @Override
    protected MethodHandle computeValue(Class<?> receiverClass) {
        MethodHandle lambdaRule = io.adjoint.internal.LambdaRules.of(receiverClass);
        if (lambdaRule != null && lambdaRule.type().parameterCount() == type.parameterCount() - 1) {
            // a method reference to a function with a rule (Math::exp): the rule, receiver dropped
            return MethodHandles.dropArguments(lambdaRule, 0, type.parameterType(0)).asType(type);
        }
        Class<?> impl = implementation(receiverClass);
        if (impl != null) {
            MethodHandle twin = Twins.handle(impl, name, desc);
            if (twin != null) {
                return twin.asType(type);
            }
        }
        String callee = (impl != null ? impl : owner).getName() + "." + name + desc;
        try {
            return Boundary.wrap(hostLookup.findVirtual(owner, name, plain), true, type, callee, where);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot link " + callee + " at " + where, e);
        }
    }

    /** The class declaring the method that invokevirtual/invokeinterface selects for this receiver class. */
    private Class<?> implementation(Class<?> receiverClass) {
        for (Class<?> k = receiverClass; k != null; k = k.getSuperclass()) {
            Method m = Linker.declared(k, name, desc);
            if (m != null && !Modifier.isStatic(m.getModifiers())
                    && (!Modifier.isPrivate(m.getModifiers()) || k == owner)) {
                return Modifier.isAbstract(m.getModifiers()) ? null : k;
            }
        }
        for (Class<?> i : Linker.allInterfaces(receiverClass)) {
            Method m = Linker.declared(i, name, desc);
            if (m != null && m.isDefault()) {
                return i;
            }
        }
        return null;
    }
}
