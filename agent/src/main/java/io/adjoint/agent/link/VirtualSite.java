package io.adjoint.agent.link;


import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MutableCallSite;
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

    private static final MethodHandle SELECT, FIRST, IS_CLASS, REQUIRE_NON_NULL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SELECT = l.findVirtual(VirtualSite.class, "select", MethodType.methodType(MethodHandle.class, Object.class));
            FIRST = l.findVirtual(VirtualSite.class, "first", MethodType.methodType(MethodHandle.class, Object.class));
            REQUIRE_NON_NULL = l.findStatic(java.util.Objects.class, "requireNonNull",
                    MethodType.methodType(Object.class, Object.class));
            IS_CLASS = l.findStatic(VirtualSite.class, "isClass",
                    MethodType.methodType(boolean.class, Class.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private MutableCallSite site;

    /**
     * The call site. A call that can reach one method only (a final class, a final method) is bound to it for
     * good. Otherwise the site starts unlinked; its first receiver's class becomes a monomorphic inline cache
     * ({@code receiver.getClass() == C ? twin of C's method : per-class lookup}), so that the JIT inlines the
     * twin as it inlines the original call; other classes go through the per-class cache ({@link #select}).
     */
    CallSite callSite() {
        if (!owner.isInterface() && (Modifier.isFinal(owner.getModifiers()) || finalMethod())) {
            MethodHandle nonNull = REQUIRE_NON_NULL.asType(MethodType.methodType(type.parameterType(0),
                    type.parameterType(0)));
            return new ConstantCallSite(MethodHandles.filterArguments(get(owner), 0, nonNull)); // as invokevirtual
        }
        site = new MutableCallSite(type);
        site.setTarget(dispatching(FIRST));
        return site;
    }

    /** (receiver, args..., tape) -> selector(receiver).invokeExact(receiver, args..., tape) */
    private MethodHandle dispatching(MethodHandle selector) {
        return MethodHandles.foldArguments(MethodHandles.exactInvoker(type),
                selector.bindTo(this).asType(MethodType.methodType(MethodHandle.class, type.parameterType(0))));
    }

    /** Whether the method a call on {@code owner} selects is final (no subclass can override it). */
    private boolean finalMethod() {
        Class<?> impl = implementation(owner);
        if (impl == null || impl.isInterface()) {
            return false;
        }
        Method m = Linker.declared(impl, name, desc);
        return m != null && Modifier.isFinal(m.getModifiers());
    }

    @SuppressWarnings("unused")
    private MethodHandle first(Object receiver) {
        Class<?> c = receiver.getClass();
        MethodHandle h = get(c);
        site.setTarget(MethodHandles.guardWithTest(
                MethodHandles.insertArguments(IS_CLASS, 0, c).asType(MethodType.methodType(boolean.class,
                        type.parameterType(0))),
                h, dispatching(SELECT)));
        return h;
    }

    @SuppressWarnings("unused")
    private static boolean isClass(Class<?> c, Object receiver) {
        return receiver.getClass() == c;
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
