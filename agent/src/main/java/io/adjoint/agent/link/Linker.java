package io.adjoint.agent.link;

import io.adjoint.NotDifferentiableException;
import io.adjoint.agent.twin.TwinGenerator;
import io.adjoint.internal.Ops;
import io.adjoint.internal.Primitives;
import io.adjoint.internal.Slot;
import io.adjoint.internal.Tape;
import org.objectweb.asm.Type;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Set;

/**
 * Linking in one place. Every call in twin code that may reach differentiable code is an
 * {@code invokedynamic} whose bootstrap is {@link #link}; on its first execution it becomes, in order
 * of preference:
 * <ol>
 *   <li>a derivative rule from {@link Primitives} (Math, StrictMath, array copies, ...);</li>
 *   <li>the callee's twin ({@link Twins}), for static, private and super calls;</li>
 *   <li>for virtual and interface calls, a per-site cache keyed by the receiver's class that finds the
 *       method the JVM would select and links its twin;</li>
 *   <li>a {@link Boundary}: the original method, called with primal values, loud if a derivative
 *       would be lost.</li>
 * </ol>
 */
public final class Linker {
    private Linker() {
    }

    public static CallSite link(MethodHandles.Lookup caller, String name, MethodType type, int kind, String owner,
                                String desc, String where) throws Throwable {
        Class<?> host = caller.lookupClass().getNestHost();
        ClassLoader loader = host.getClassLoader();
        MethodHandle rule = Primitives.lookup(owner, name, desc);
        if (rule != null) {
            return new ConstantCallSite(rule.asType(type));
        }
        MethodType plain = MethodType.fromMethodDescriptorString(desc, loader);
        Class<?> ownerClass = Class.forName(Type.getObjectType(owner).getClassName(), false, loader);
        MethodHandles.Lookup hostLookup = MethodHandles.privateLookupIn(host, MethodHandles.lookup());
        String callee = ownerClass.getName() + "." + name + desc;
        switch (kind) {
            case TwinGenerator.STATIC: {
                MethodHandle twin = twinOfDeclared(ownerClass, name, desc, true);
                return new ConstantCallSite(twin != null ? twin.asType(type)
                        : Boundary.wrap(hostLookup.findStatic(ownerClass, name, plain), type, callee, where));
            }
            case TwinGenerator.SPECIAL: {
                MethodHandle twin = twinOfDeclared(ownerClass, name, desc, false);
                return new ConstantCallSite(twin != null ? twin.asType(type)
                        : Boundary.wrap(hostLookup.findSpecial(ownerClass, name, plain, host), type, callee, where));
            }
            default:
                return new ConstantCallSite(new VirtualSite(ownerClass, name, desc, plain, type, hostLookup, where)
                        .handle());
        }
    }

    /** The twin of the method that a static or special call resolves to, searching up from {@code c}. */
    private static MethodHandle twinOfDeclared(Class<?> c, String name, String desc, boolean isStatic) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            Method m = declared(k, name, desc);
            if (m != null) {
                return Modifier.isStatic(m.getModifiers()) == isStatic ? Twins.handle(k, name, desc) : null;
            }
        }
        for (Class<?> i : allInterfaces(c)) { // static and private interface methods, defaults via super
            if (declared(i, name, desc) != null) {
                return Twins.handle(i, name, desc);
            }
        }
        return null;
    }

    static Method declared(Class<?> k, String name, String desc) {
        for (Method m : k.getDeclaredMethods()) {
            if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(desc)) {
                return m;
            }
        }
        return null;
    }

    /** The interfaces of {@code c} and of its superclasses, nearest first (breadth first). */
    public static Set<Class<?>> allInterfaces(Class<?> c) {
        Set<Class<?>> seen = new java.util.LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>();
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            todo.addAll(Arrays.asList(k.getInterfaces()));
        }
        if (c.isInterface()) {
            todo.add(c);
        }
        while (!todo.isEmpty()) {
            Class<?> i = todo.poll();
            if (seen.add(i)) {
                todo.addAll(Arrays.asList(i.getInterfaces()));
            }
        }
        return seen;
    }

    // ---- invokedynamic instructions of the original code whose types mention double -----------------

    private static final MethodHandle PASSIVE_USE, CAPTURE, FROM_DOUBLE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PASSIVE_USE = l.findStatic(Linker.class, "passiveUse", MethodType.methodType(double.class, long.class));
            CAPTURE = l.findStatic(Linker.class, "capture",
                    MethodType.methodType(double.class, long.class, String.class));
            FROM_DOUBLE = l.findStatic(Ops.class, "fromDouble", MethodType.methodType(long.class, double.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Runs the original bootstrap with the original types, then converts at the edge: slots going in become
     * primal values, a double coming out becomes a passive slot. String concatenation and the like are
     * passive uses; a lambda capturing an active double would lose its derivative, so that is refused.
     */
    public static CallSite adaptIndy(MethodHandles.Lookup caller, String name, MethodType type, Object... args)
            throws Throwable {
        MethodHandle bsm = (MethodHandle) args[0];
        String desc = (String) args[1];
        String where = (String) args[2];
        MethodType plain = MethodType.fromMethodDescriptorString(desc, caller.lookupClass().getClassLoader());
        Object[] bsmArgs = new Object[3 + args.length - 3];
        bsmArgs[0] = caller;
        bsmArgs[1] = name;
        bsmArgs[2] = plain;
        System.arraycopy(args, 3, bsmArgs, 3, args.length - 3);
        CallSite site = (CallSite) bsm.invokeWithArguments(bsmArgs);
        MethodHandle target = site instanceof ConstantCallSite ? site.getTarget() : site.dynamicInvoker();
        boolean lambda = isLambdaFactory(caller, bsm);
        for (int i = 0; i < plain.parameterCount(); i++) {
            if (plain.parameterType(i) == double.class) {
                MethodHandle f = lambda ? MethodHandles.insertArguments(CAPTURE, 1, where) : PASSIVE_USE;
                target = MethodHandles.filterArguments(target, i, f);
            }
        }
        if (plain.returnType() == double.class) {
            target = MethodHandles.filterReturnValue(target, FROM_DOUBLE);
        }
        return new ConstantCallSite(target.asType(type));
    }

    private static boolean isLambdaFactory(MethodHandles.Lookup caller, MethodHandle bsm) {
        try {
            return caller.revealDirect(bsm).getDeclaringClass() == LambdaMetafactory.class;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static double passiveUse(long slot) {
        if (Slot.isPassive(slot)) {
            return Slot.value(slot);
        }
        return Tape.current().primal(slot);
    }

    private static double capture(long slot, String where) {
        if (Slot.isActive(slot)) {
            throw new NotDifferentiableException("a lambda created at " + where + " captures an active double; "
                    + "lambdas capturing active values are not differentiated yet");
        }
        return Slot.value(slot);
    }
}
