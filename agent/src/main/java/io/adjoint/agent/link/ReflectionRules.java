package io.adjoint.agent.link;

import io.adjoint.internal.Entry;
import io.adjoint.internal.LibraryRules;
import io.adjoint.internal.Primitives;
import io.adjoint.internal.Slot;
import io.adjoint.internal.Tape;
import org.objectweb.asm.Type;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.WrongMethodTypeException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Reflection from twin code. {@code Method.invoke} unboxes its arguments and calls the method itself, where the
 * boxes' slots would be lost: the rule runs the method's twin with those slots instead (a double result comes back
 * as a box carrying its slot), after the same accessibility check. {@code Constructor.newInstance} leaves the
 * slots in a frame naming the constructor, for its twin branch, as a constructor call in twin code does.
 */
final class ReflectionRules {
    private ReflectionRules() {
    }

    static void register() {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            Primitives.register("java/lang/reflect/Method", "invoke",
                    "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;", l.findStatic(ReflectionRules.class,
                            "invoke", MethodType.methodType(Object.class, Class.class, Method.class, Object.class,
                                    Object[].class, Tape.class)));
            Primitives.register("java/lang/reflect/Constructor", "newInstance",
                    "([Ljava/lang/Object;)Ljava/lang/Object;", l.findStatic(ReflectionRules.class, "newInstance",
                            MethodType.methodType(Object.class, Class.class, Constructor.class, Object[].class,
                                    Tape.class)));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Whether {@code m} may be called reflectively from {@code caller}: overridden, or accessible from there. */
    @SuppressWarnings("deprecation")
    private static MethodHandle accessibleFrom(Class<?> caller, Method m) {
        try {
            MethodHandles.Lookup l = m.isAccessible() ? MethodHandles.lookup()
                    : MethodHandles.privateLookupIn(caller, MethodHandles.lookup());
            return l.unreflect(m);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /** Method.invoke as called from {@code caller} (bound by the linker: reflection checks access from the caller). */
    static Object invoke(Class<?> caller, Method m, Object receiver, Object[] args, Tape t) throws Throwable {
        boolean isStatic = Modifier.isStatic(m.getModifiers());
        Class<?>[] params = m.getParameterTypes();
        int n = args == null ? 0 : args.length;
        MethodHandle direct = accessibleFrom(caller, m);
        if (direct == null) {
            throw new IllegalAccessException(caller.getName() + " cannot access " + m);
        }
        if (n != params.length || (!isStatic && (receiver == null || !m.getDeclaringClass().isInstance(receiver)))) {
            return plain(direct, isStatic, receiver, args); // the JDK's own exceptions for bad arguments
        }
        String desc = Type.getMethodDescriptor(m);
        Class<?> impl = isStatic ? m.getDeclaringClass() : implementation(receiver.getClass(), m.getName(), desc);
        MethodHandle twin = impl == null ? null : Twins.handle(impl, m.getName(), desc);
        if (twin == null) {
            return plain(direct, isStatic, receiver, args);
        }
        List<Object> twinArgs = new ArrayList<>(n + 2);
        if (!isStatic) {
            twinArgs.add(receiver);
        }
        for (int i = 0; i < n; i++) {
            if (params[i] == double.class) {
                if (!(args[i] instanceof Number)) {
                    throw new IllegalArgumentException("argument type mismatch");
                }
                twinArgs.add(args[i] instanceof Double ? LibraryRules.slotOfBox(args[i], t)
                        : Slot.passive(((Number) args[i]).doubleValue()));
            } else {
                twinArgs.add(args[i]);
            }
        }
        twinArgs.add(t);
        Object r;
        try {
            r = twin.invokeWithArguments(twinArgs);
        } catch (Throwable e) {
            throw new InvocationTargetException(e); // what Method.invoke throws for an exception of the method
        }
        return m.getReturnType() == double.class ? LibraryRules.boxSlot((Long) r, t) : r;
    }

    /** The method itself, as Method.invoke would run it: arguments spread, exceptions of the method wrapped. */
    private static Object plain(MethodHandle direct, boolean isStatic, Object receiver, Object[] args) throws Throwable {
        List<Object> all = new ArrayList<>();
        if (!isStatic) {
            all.add(receiver);
        }
        if (args != null) {
            all.addAll(java.util.Arrays.asList(args));
        }
        try {
            return direct.invokeWithArguments(all);
        } catch (ClassCastException | WrongMethodTypeException e) {
            throw new IllegalArgumentException("argument type mismatch", e);
        } catch (Throwable e) {
            throw new InvocationTargetException(e);
        }
    }

    /** Constructor.newInstance from {@code caller}: the frame names the constructor for its twin branch. */
    @SuppressWarnings("deprecation")
    static Object newInstance(Class<?> caller, Constructor<?> c, Object[] args, Tape t) throws Throwable {
        if (!c.isAccessible()) {
            try {
                MethodHandles.privateLookupIn(caller, MethodHandles.lookup()).unreflectConstructor(c);
            } catch (IllegalAccessException e) {
                throw new IllegalAccessException(caller.getName() + " cannot access " + c);
            }
        }
        java.lang.reflect.Constructor<?> open = c;
        if (!c.isAccessible()) {
            open = c.getDeclaringClass().getDeclaredConstructor(c.getParameterTypes()); // a copy: the user's stays as it is
            open.setAccessible(true);
        }
        c = open;
        Class<?>[] params = c.getParameterTypes();
        long[] slots = new long[params.length];
        for (int i = 0; i < params.length && args != null && i < args.length; i++) {
            if (params[i] == double.class && args[i] instanceof Double) {
                slots[i] = LibraryRules.slotOfBox(args[i], t);
            }
        }
        String key = c.getDeclaringClass().getName() + ".<init>" + Type.getConstructorDescriptor(c);
        Entry.Frame previous = Entry.toConstructor(slots, key, t);
        Object made = c.newInstance(args);
        Entry.constructed(previous, t);
        return made;
    }

    private static Class<?> implementation(Class<?> c, String name, String desc) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            Method m = Linker.declared(k, name, desc);
            if (m != null && !Modifier.isStatic(m.getModifiers())) {
                return Modifier.isAbstract(m.getModifiers()) ? null : k;
            }
        }
        for (Class<?> i : Linker.allInterfaces(c)) {
            Method m = Linker.declared(i, name, desc);
            if (m != null && m.isDefault()) {
                return i;
            }
        }
        return null;
    }
}
