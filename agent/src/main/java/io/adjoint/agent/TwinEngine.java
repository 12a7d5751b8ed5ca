package io.adjoint.agent;

import io.adjoint.agent.link.Linker;
import io.adjoint.agent.link.Twins;
import io.adjoint.agent.twin.ArgumentEscape;
import io.adjoint.internal.Engine;
import io.adjoint.internal.LibraryRules;
import io.adjoint.internal.Primitives;
import io.adjoint.internal.Slot;
import org.objectweb.asm.Type;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the twin of a function object handed to the API. Lambdas and method references of the API's
 * (serializable) interfaces are taken apart with {@code writeReplace}, which names the implementation
 * method and the captured arguments; any other object is an ordinary class whose method is resolved
 * as the JVM would.
 */
public final class TwinEngine implements Engine {
    private static final TwinEngine INSTANCE = new TwinEngine();

    public static TwinEngine instance() {
        AdjointAgent.ensureInstalled();
        return INSTANCE;
    }

    @Override
    public MethodHandle twinOf(Object function, String samName, String samDesc) {
        Class<?> c = function.getClass();
        Map<String, Known> known = KNOWN_TWINS.get(c);
        Known k = known.get(samName + samDesc);
        if (k != null) {
            return k.bind ? k.twin.bindTo(function) : k.twin;
        }
        if (c.isHidden() || c.isSynthetic()) {
            SerializedLambda lambda = serializedForm(function);
            if (lambda != null) {
                MethodHandle twin = twinOfLambda(lambda, c.getClassLoader());
                if (lambda.getCapturedArgCount() == 0 && (lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic
                        || !hasRule(lambda, c.getClassLoader()))) {
                    known.put(samName + samDesc, new Known(twin, false)); // the class alone decides it
                }
                return twin;
            }
        }
        Class<?> impl = implementation(c, samName, samDesc);
        MethodHandle twin = impl == null ? null : Twins.handle(impl, samName, samDesc);
        if (twin == null) {
            throw new IllegalArgumentException("Adjoint cannot instrument " + c.getName() + "." + samName
                    + " (see the line Adjoint printed on stderr)");
        }
        known.put(samName + samDesc, new Known(twin, true));
        return twin.bindTo(function);
    }

    /**
     * A function class's twin for one functional method, found once: the static entry points (Gradients.hvp, jvp,
     * hessianAt, ...) look it up on every call, and finding it takes reflection (a lambda's serialized form, the
     * class's methods). {@code bind}: it takes the function instance first (a class of the application, a lambda
     * without a serialized form); otherwise it is complete (a lambda that captures nothing). A lambda that captures
     * values is looked up each time: its twin holds them.
     */
    private record Known(MethodHandle twin, boolean bind) {
    }

    private static final ClassValue<Map<String, Known>> KNOWN_TWINS = new ClassValue<>() {
        @Override
        protected Map<String, Known> computeValue(Class<?> type) {
            return new java.util.concurrent.ConcurrentHashMap<>();
        }
    };

    @Override
    public boolean argumentMayEscape(Object function, String samName, String samDesc, int param) {
        // per function class (a lambda's class stands for one implementation method), unless the answer depends on
        // the instance: a lambda bound to a receiver whose class selects the method
        Map<String, Boolean> known = FUNCTION_ESCAPES.get(function.getClass());
        String key = samName + samDesc + "#" + param;
        Boolean answer = known.get(key);
        if (answer == null) {
            answer = decideEscape(function, samName, samDesc, param);
            if (!boundReceiver(function)) {
                known.put(key, answer);
            }
        }
        return answer;
    }

    private static boolean boundReceiver(Object function) {
        Class<?> c = function.getClass();
        if (!c.isHidden() && !c.isSynthetic()) {
            return false;
        }
        SerializedLambda lambda = serializedForm(function);
        return lambda == null || lambda.getImplMethodKind() == MethodHandleInfo.REF_invokeVirtual
                || lambda.getImplMethodKind() == MethodHandleInfo.REF_invokeInterface;
    }

    private static boolean decideEscape(Object function, String samName, String samDesc, int param) {
        Class<?> c = function.getClass();
        if (c.isHidden() || c.isSynthetic()) {
            SerializedLambda lambda = serializedForm(function);
            if (lambda == null) {
                return true;
            }
            int kind = lambda.getImplMethodKind();
            if (kind != MethodHandleInfo.REF_invokeStatic && kind != MethodHandleInfo.REF_invokeVirtual
                    && kind != MethodHandleInfo.REF_invokeSpecial) {
                return true; // a constructor, an interface method: left alone
            }
            String name = lambda.getImplMethodName();
            String desc = lambda.getImplMethodSignature();
            if (kind == MethodHandleInfo.REF_invokeStatic && lambda.getCapturedArgCount() == 0
                    && (Primitives.lookup(lambda.getImplClass(), name, desc) != null
                        || LibraryRules.link(lambda.getImplClass(), name, desc, c.getClassLoader()) != null)) {
                return true; // a derivative rule runs, not the method
            }
            Class<?> impl;
            try {
                impl = Class.forName(Type.getObjectType(lambda.getImplClass()).getClassName(), false,
                        c.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                return true;
            }
            if (kind == MethodHandleInfo.REF_invokeVirtual) {
                if (lambda.getCapturedArgCount() == 0) {
                    return true; // the receiver is the argument itself (double[]::clone ...)
                }
                impl = implementation(lambda.getCapturedArg(0).getClass(), name, desc);
            }
            // the function's arguments follow the captured ones (a bound receiver is not a parameter)
            int first = Type.getArgumentTypes(desc).length - Type.getArgumentTypes(samDesc).length;
            return impl == null || mayEscape(impl, name, desc, first + param);
        }
        Class<?> impl = implementation(c, samName, samDesc);
        return impl == null || mayEscape(impl, samName, samDesc, param);
    }

    /** Answers of ArgumentEscape per class, keyed by method and parameter: read class files once per method. */
    private static final ClassValue<Map<String, Boolean>> METHOD_ESCAPES = answers();
    /** Answers of argumentMayEscape per function class, keyed by interface method: Gradients.of(f) in a loop. */
    private static final ClassValue<Map<String, Boolean>> FUNCTION_ESCAPES = answers();

    private static ClassValue<Map<String, Boolean>> answers() {
        return new ClassValue<>() {
            @Override
            protected Map<String, Boolean> computeValue(Class<?> type) {
                return new ConcurrentHashMap<>();
            }
        };
    }

    private static boolean mayEscape(Class<?> owner, String name, String desc, int param) {
        return METHOD_ESCAPES.get(owner).computeIfAbsent(name + desc + "#" + param, k -> ArgumentEscape.mayEscape(
                owner.getClassLoader(), Type.getInternalName(owner), name, desc, param));
    }

    private static SerializedLambda serializedForm(Object lambda) {
        try {
            Method m = lambda.getClass().getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            Object form = m.invoke(lambda);
            return form instanceof SerializedLambda s ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** A static method with a derivative rule (looked up again each time: a rule may be registered later). */
    private static boolean hasRule(SerializedLambda lambda, ClassLoader loader) {
        String owner = lambda.getImplClass(), name = lambda.getImplMethodName(), desc = lambda.getImplMethodSignature();
        return Primitives.lookup(owner, name, desc) != null || LibraryRules.link(owner, name, desc, loader) != null;
    }

    private static MethodHandle twinOfLambda(SerializedLambda lambda, ClassLoader loader) {
        String implClassName = Type.getObjectType(lambda.getImplClass()).getClassName();
        String name = lambda.getImplMethodName();
        String desc = lambda.getImplMethodSignature();
        Object[] captured = new Object[lambda.getCapturedArgCount()];
        for (int i = 0; i < captured.length; i++) {
            Object a = lambda.getCapturedArg(i);
            captured[i] = a instanceof Double d ? (Object) Slot.passive(d) : a; // captured doubles are constants
        }
        int kind = lambda.getImplMethodKind();
        if (kind == MethodHandleInfo.REF_invokeStatic && captured.length == 0) {
            // the function is itself a method with a derivative rule (Math::sin, FastMath::log, a user rule):
            // the rule, as at any call site; the method's own bytecode may be bit tricks no tape can follow
            MethodHandle rule = Primitives.lookup(lambda.getImplClass(), name, desc);
            if (rule == null) {
                rule = LibraryRules.link(lambda.getImplClass(), name, desc, loader);
            }
            if (rule != null) {
                return rule;
            }
        }
        try {
            Class<?> implClass = Class.forName(implClassName, false, loader);
            if ((kind == MethodHandleInfo.REF_invokeVirtual || kind == MethodHandleInfo.REF_invokeInterface)
                    && captured.length > 0 && captured[0] != null) {
                implClass = implementation(captured[0].getClass(), name, desc); // bound receiver: dispatch
            }
            MethodHandle twin = implClass == null ? null : Twins.handle(implClass, name, desc);
            if (twin == null) {
                throw new IllegalArgumentException("Adjoint cannot instrument " + implClassName + "." + name
                        + desc + " (see the line Adjoint printed on stderr)");
            }
            return MethodHandles.insertArguments(twin, 0, captured);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("cannot find " + implClassName, e);
        }
    }

    /** The class declaring the method that a virtual call on an instance of {@code c} selects. */
    private static Class<?> implementation(Class<?> c, String name, String desc) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(desc)
                        && !Modifier.isStatic(m.getModifiers())) {
                    return Modifier.isAbstract(m.getModifiers()) ? null : k;
                }
            }
        }
        for (Class<?> i : Linker.allInterfaces(c)) { // no class declares it: a default method, as the JVM selects
            for (Method m : i.getDeclaredMethods()) {
                if (m.isDefault() && m.getName().equals(name) && Type.getMethodDescriptor(m).equals(desc)) {
                    return i;
                }
            }
        }
        return null;
    }
}
