package io.adjoint.agent.link;

import io.adjoint.NotDifferentiableException;
import io.adjoint.agent.twin.TwinGenerator;
import io.adjoint.internal.Entry;
import io.adjoint.internal.FloatOps;
import io.adjoint.internal.LibraryRules;
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
        if (rule == null) {
            rule = LibraryRules.link(owner, name, desc, loader);
        }
        if (rule != null) {
            if (rule.type().parameterCount() == type.parameterCount() + 1 && rule.type().parameterType(0) == Class.class) {
                rule = MethodHandles.insertArguments(rule, 0, host); // caller-sensitive (reflection): the calling class
            }
            return new ConstantCallSite(withLocation(rule.asType(type), where));
        }
        MethodType plain = MethodType.fromMethodDescriptorString(desc, loader);
        Class<?> ownerClass = Class.forName(Type.getObjectType(owner).getClassName(), false, loader);
        MethodHandles.Lookup hostLookup = MethodHandles.privateLookupIn(host, MethodHandles.lookup());
        String callee = ownerClass.getName() + "." + name + desc;
        switch (kind) {
            case TwinGenerator.STATIC: {
                MethodHandle twin = twinOfDeclared(ownerClass, name, desc, true);
                return new ConstantCallSite(twin != null ? twin.asType(type)
                        : Boundary.wrap(hostLookup.findStatic(ownerClass, name, plain), false, type, callee, where));
            }
            case TwinGenerator.SPECIAL: {
                MethodHandle twin = twinOfDeclared(ownerClass, name, desc, false);
                if (twin != null) {
                    return new ConstantCallSite(twin.asType(type));
                }
                // super.m() must be invoked as from the class whose code makes the call (a nested class's
                // companion has the outer class as nest host, which is no subclass of the callee's owner)
                Class<?> self = callingClass(caller);
                MethodHandle boundary = Boundary.wrap(HostLookup.of(self).findSpecial(ownerClass, name, plain, self),
                        true, type, callee, where);
                if (name.equals("clone") && desc.equals("()Ljava/lang/Object;")) { // super.clone() reaching Object's
                    boundary = MethodHandles.filterReturnValue(boundary, FieldShadows.AFTER_CLONE);
                }
                return new ConstantCallSite(boundary);
            }
            default:
                return new VirtualSite(ownerClass, name, desc, plain, type, hostLookup, where).callSite();
        }
    }

    /**
     * The class whose code holds the call: the host of a companion (a hidden class named host + SUFFIX), else the
     * caller itself (a constructor's twin branch lives in its own class).
     */
    private static Class<?> callingClass(MethodHandles.Lookup caller) throws ClassNotFoundException {
        Class<?> c = caller.lookupClass();
        int i = c.getName().indexOf(TwinGenerator.SUFFIX);
        return i < 0 ? c : Class.forName(c.getName().substring(0, i), false, c.getClassLoader());
    }

    private static final MethodHandle RELOCATE;

    static {
        try {
            RELOCATE = MethodHandles.lookup().findStatic(Linker.class, "relocate", MethodType.methodType(
                    NotDifferentiableException.class, String.class, NotDifferentiableException.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A rule that refuses (bit tricks, user rules) names the call site in its message; free when it does not throw. */
    private static MethodHandle withLocation(MethodHandle rule, String where) {
        MethodHandle rethrow = MethodHandles.filterReturnValue(MethodHandles.insertArguments(RELOCATE, 0, where),
                MethodHandles.throwException(rule.type().returnType(), NotDifferentiableException.class));
        return MethodHandles.catchException(rule, NotDifferentiableException.class,
                MethodHandles.dropArguments(rethrow, 1, rule.type().parameterList()));
    }

    @SuppressWarnings("unused")
    private static NotDifferentiableException relocate(String where, NotDifferentiableException e) {
        return new NotDifferentiableException(e.getMessage() + " (at " + where + ")", e);
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

    private static final MethodHandle PASSIVE_USE, PASSIVE_USE_F, FROM_DOUBLE, FROM_FLOAT, CAPTURING, REMEMBER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PASSIVE_USE = l.findStatic(Linker.class, "passiveUse", MethodType.methodType(double.class, long.class));
            FROM_DOUBLE = l.findStatic(Ops.class, "fromDouble", MethodType.methodType(long.class, double.class));
            PASSIVE_USE_F = l.findStatic(Linker.class, "passiveUse", MethodType.methodType(float.class, float.class));
            FROM_FLOAT = l.findStatic(FloatOps.class, "fromFloat", MethodType.methodType(float.class, float.class));
            REMEMBER = l.findStatic(Linker.class, "remember",
                    MethodType.methodType(Object.class, Object.class, MethodHandle.class));
            CAPTURING = l.findStatic(Linker.class, "capturing",
                    MethodType.methodType(Object.class, MethodHandle.class, Class[].class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * {@code new owner(desc)} for twin code (type: the primal arguments and the frame, returning the object): the
     * class's twin constructor ({@code ConstructorBranches.twinConstructor}, private, reached through a private
     * lookup) where the class has one; else the constructor itself, whose twin branch takes the frame that twin code
     * left for it (a class loaded before self-attach cannot get new methods; a module that does not open its
     * package to Adjoint hides private members).
     */
    public static CallSite construct(MethodHandles.Lookup caller, String name, MethodType type, String owner,
                                     String desc) throws ReflectiveOperationException {
        Class<?> c = type.returnType();
        MethodType plain = MethodType.fromMethodDescriptorString(desc, caller.lookupClass().getClassLoader());
        MethodHandle made;
        try {
            made = MethodHandles.privateLookupIn(c, MethodHandles.lookup())
                    .findConstructor(c, plain.appendParameterTypes(Entry.Frame.class));
        } catch (ReflectiveOperationException | IllegalArgumentException | SecurityException e) {
            made = MethodHandles.dropArguments(caller.findConstructor(c, plain), plain.parameterCount(),
                    Entry.Frame.class);
        }
        return new ConstantCallSite(made.asType(type));
    }

    /**
     * Runs the original bootstrap with the original types, then converts at the edge: slots going in become
     * primal values, a double coming out becomes a passive slot. A lambda created in twin code also leaves
     * the slots of the doubles it captured with {@link Entry#recordCaptures}, so that when its body runs
     * (entered from the lambda proxy) those captures are active again.
     */
    public static CallSite adaptIndy(MethodHandles.Lookup caller, String name, MethodType type, Object... args)
            throws Throwable {
        MethodHandle bsm = (MethodHandle) args[0];
        String desc = (String) args[1];
        MethodType plain = MethodType.fromMethodDescriptorString(desc, caller.lookupClass().getClassLoader());
        boolean lambda = isLambdaFactory(caller, bsm);
        Object[] bsmArgs = new Object[args.length];
        // a lambda made in twin code is made as the host made it, by the host: its class is the host's nestmate
        // and names the host as capturing class (the companion is hidden: a serializable lambda naming it could
        // not be serialized, nor taken apart by Gradients.of)
        bsmArgs[0] = lambda ? HostLookup.of(hostOf(caller.lookupClass())) : caller;
        bsmArgs[1] = name;
        bsmArgs[2] = plain;
        System.arraycopy(args, 3, bsmArgs, 3, args.length - 3);
        CallSite site = (CallSite) bsm.invokeWithArguments(bsmArgs);
        MethodHandle target = site instanceof ConstantCallSite ? site.getTarget() : site.dynamicInvoker();
        if (lambda) {
            MethodHandle rule = ruleOfImplementation(caller, args);
            if (rule != null && plain.parameterCount() == 0 && args.length > 3 && args[3] instanceof MethodType sam
                    && RuleBridges.boxed(sam)) {
                // Double::sum as a BiFunction<Double, Double, Double>: JDK code (Map.merge) calls it directly, so
                // the lambda itself must carry the derivative: a bridge that applies the rule to the boxes' slots
                Object bridge = RuleBridges.make(name, plain.returnType(), sam, rule, (MethodHandle) args[4]);
                if (bridge != null) {
                    return new ConstantCallSite(MethodHandles.constant(plain.returnType(), bridge).asType(type));
                }
            }
            if (rule != null && plain.parameterCount() == 0) { // Math::exp: remember what its proxies compute
                MethodHandle remember = MethodHandles.insertArguments(REMEMBER, 1, rule)
                        .asType(MethodType.methodType(plain.returnType(), plain.returnType()));
                return new ConstantCallSite(MethodHandles.filterReturnValue(target, remember).asType(type));
            }
            if (plain.equals(type)) { // captures no double or float: the factory as it is
                return new ConstantCallSite(target);
            }
            MethodHandle capturing = MethodHandles.insertArguments(CAPTURING, 0, target, plain.parameterArray());
            return new ConstantCallSite(capturing.asCollector(Object[].class, type.parameterCount()).asType(type));
        }
        for (int i = 0; i < plain.parameterCount(); i++) {
            if (plain.parameterType(i) == double.class) {
                target = MethodHandles.filterArguments(target, i, PASSIVE_USE);
            } else if (plain.parameterType(i) == float.class) {
                target = MethodHandles.filterArguments(target, i, PASSIVE_USE_F);
            }
        }
        if (plain.returnType() == double.class) {
            target = MethodHandles.filterReturnValue(target, FROM_DOUBLE);
        } else if (plain.returnType() == float.class) {
            target = MethodHandles.filterReturnValue(target, FROM_FLOAT);
        }
        return new ConstantCallSite(target.asType(type));
    }

    @SuppressWarnings("unused")
    private static Object capturing(MethodHandle factory, Class<?>[] plain, Object[] args) throws Throwable {
        Tape t = Tape.current();
        long[] slots = new long[plain.length];
        boolean active = false;
        for (int i = 0; i < plain.length; i++) {
            if (plain[i] == double.class) {
                long slot = (Long) args[i];
                slots[i] = slot;
                active |= Slot.isActive(slot);
                args[i] = t != null ? t.primal(slot) : Slot.value(slot);
            } else if (plain[i] == float.class && t != null) {
                float f = (Float) args[i];
                slots[i] = FloatOps.isActive(f) ? FloatOps.toSlot(f, t) : 0;
                active |= FloatOps.isActive(f);
                args[i] = FloatOps.primal(f, t);
            }
        }
        Object lambda = factory.invokeWithArguments(args);
        if (active && t != null) {
            Entry.recordCaptures(lambda, slots, t);
        }
        return lambda;
    }

    /** The rule of a lambda's implementation method (bootstrap arguments: sam type, implementation, ...). */
    private static MethodHandle ruleOfImplementation(MethodHandles.Lookup caller, Object[] args) {
        if (args.length < 5 || !(args[4] instanceof MethodHandle impl)) {
            return null;
        }
        try {
            java.lang.invoke.MethodHandleInfo info = caller.revealDirect(impl);
            int kind = info.getReferenceKind();
            if (kind != java.lang.invoke.MethodHandleInfo.REF_invokeStatic
                    && kind != java.lang.invoke.MethodHandleInfo.REF_invokeVirtual) { // Double::doubleValue
                return null;
            }
            String owner = info.getDeclaringClass().getName().replace('.', '/');
            return Primitives.lookup(owner, info.getName(), info.getMethodType().toMethodDescriptorString());
        } catch (RuntimeException e) {
            return null;
        }
    }

    @SuppressWarnings("unused")
    private static Object remember(Object lambda, MethodHandle rule) {
        io.adjoint.internal.LambdaRules.remember(lambda.getClass(), rule);
        return lambda;
    }

    /** The class a twin companion ({@code pkg.Host$$AdjointTwin/0x...}, a hidden nestmate) was made for. */
    private static Class<?> hostOf(Class<?> companion) throws ClassNotFoundException {
        String name = companion.getName();
        int end = name.lastIndexOf(io.adjoint.agent.twin.TwinGenerator.SUFFIX);
        return end < 0 ? companion : Class.forName(name.substring(0, end), false, companion.getClassLoader());
    }

    private static boolean isLambdaFactory(MethodHandles.Lookup caller, MethodHandle bsm) {
        try {
            return caller.revealDirect(bsm).getDeclaringClass() == LambdaMetafactory.class;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static float passiveUse(float f) {
        return FloatOps.isActive(f) ? FloatOps.primal(f, Tape.current()) : f;
    }

    private static double passiveUse(long slot) {
        if (Slot.isPassive(slot)) {
            return Slot.value(slot);
        }
        Tape t = Tape.current();
        LibraryRules.textTaken(t); // string concatenation and the like: its text must not come back as a number
        return t.primal(slot);
    }

}
