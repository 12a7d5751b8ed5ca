package io.adjoint.agent.link;

import io.adjoint.internal.Ops;
import io.adjoint.internal.Tape;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Linking of double instance field reads and writes in twin code. Every such access is an {@code invokedynamic}
 * bound here at its first execution, by the class that declares the field:
 * <ul>
 *   <li>a class the agent transformed when it was loaded carries one extra field, {@link #FIELD}
 *       ({@code private transient synthetic long[]}, see {@code HostTransformer}): the object's own shadow array,
 *       element 0 the stamp of the recording that wrote it, element 1 + i the slot of the class's double
 *       instance field i in name order ({@link #doubleFields}). The site is bound to two tiny static methods of
 *       a hidden nestmate of that class ({@code Ops.shadowGet/shadowPut} around the field);</li>
 *   <li>any other class (loaded before self-attach, or left alone by the transformer) keeps the recording's
 *       identity map ({@code Ops.getField/putField} with the field id).</li>
 * </ul>
 * The choice depends only on the declaring class, so every access to one field, wherever it is, agrees.
 */
public final class FieldShadows {
    private FieldShadows() {
    }

    /** The name of the field the host transformer adds; the twin generator never sees it (it reads class files). */
    public static final String FIELD = "adjoint$shadow";
    public static final String FIELD_DESC = "[J";
    public static final int FIELD_ACCESS = Opcodes.ACC_PRIVATE | Opcodes.ACC_TRANSIENT | Opcodes.ACC_SYNTHETIC;
    static final String SUFFIX = "$$AdjointFields";

    private static final MethodHandle MAP_GET, MAP_PUT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            MAP_GET = l.findStatic(Ops.class, "getField",
                    MethodType.methodType(long.class, Object.class, double.class, int.class, Tape.class));
            MAP_PUT = l.findStatic(Ops.class, "putField",
                    MethodType.methodType(double.class, Object.class, long.class, int.class, Tape.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Bootstrap of a double field access in twin code: {@code name} is the field, the site type
     * {@code (Object, double, Tape) long} for a read, {@code (Object, long, Tape) double} for a write.
     */
    public static CallSite link(MethodHandles.Lookup caller, String name, MethodType type, int opcode, String owner,
                                int fieldId) throws Throwable {
        ClassLoader loader = caller.lookupClass().getClassLoader();
        Class<?> ownerClass = Class.forName(Type.getObjectType(owner).getClassName(), false, loader);
        boolean read = opcode == Opcodes.GETFIELD;
        Class<?> declaring = declaring(ownerClass, name);
        Accessors a = declaring == null ? null : ACCESSORS.get(declaring);
        MethodHandle h;
        if (a == null) {
            h = MethodHandles.insertArguments(read ? MAP_GET : MAP_PUT, 2, fieldId);
        } else {
            int index = a.names.indexOf(name) + 1;
            h = MethodHandles.insertArguments(read ? a.get : a.put, 2, index);
        }
        return new ConstantCallSite(h.asType(type));
    }

    /** The class declaring the double instance field {@code name} as seen from {@code c} (superclasses searched). */
    private static Class<?> declaring(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (f.getName().equals(name) && f.getType() == double.class && !Modifier.isStatic(f.getModifiers())) {
                    return k;
                }
            }
        }
        return null;
    }

    /** Whether {@code c} carries the shadow field (it was transformed when loaded). */
    public static boolean hasShadowField(Class<?> c) {
        try {
            Field f = c.getDeclaredField(FIELD);
            return f.getType() == long[].class && f.isSynthetic();
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    /** The names of the double instance fields declared by {@code c}, in the order of their shadow elements. */
    static List<String> doubleFields(Class<?> c) {
        List<String> names = new ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            if (f.getType() == double.class && !Modifier.isStatic(f.getModifiers())) {
                names.add(f.getName());
            }
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    private record Accessors(List<String> names, MethodHandle get, MethodHandle put, MethodHandle copy) {
    }

    /**
     * After {@code Object.clone()} called from twin code ({@code super.clone()}): the copy has its own shadow arrays
     * (copies of the original's), so that a write to one object never changes the other's slots.
     */
    public static Object afterClone(Object copy) throws Throwable {
        for (Class<?> k = copy == null ? null : copy.getClass(); k != null; k = k.getSuperclass()) {
            Accessors a = ACCESSORS.get(k);
            if (a != null) {
                a.copy.invoke(copy);
            }
        }
        return copy;
    }

    static final MethodHandle AFTER_CLONE;

    static {
        try {
            AFTER_CLONE = MethodHandles.lookup().findStatic(FieldShadows.class, "afterClone",
                    MethodType.methodType(Object.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final ClassValue<Accessors> ACCESSORS = new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> c) {
            if (!hasShadowField(c)) {
                return null;
            }
            List<String> names = doubleFields(c);
            try {
                MethodHandles.Lookup lookup = HostLookup.of(c).defineHiddenClass(bytes(c, 1 + names.size()), true,
                        MethodHandles.Lookup.ClassOption.NESTMATE);
                Class<?> k = lookup.lookupClass();
                return new Accessors(names,
                        lookup.findStatic(k, "get", MethodType.methodType(long.class, c, double.class, int.class,
                                Tape.class)),
                        lookup.findStatic(k, "put", MethodType.methodType(double.class, c, long.class, int.class,
                                Tape.class)),
                        lookup.findStatic(k, "copy", MethodType.methodType(void.class, c)));
            } catch (Throwable e) {
                // no fallback: other sites (constructor branches) use the in-object shadow of this class
                throw new IllegalStateException("cannot link the field shadows of " + c.getName() + ": " + e, e);
            }
        }
    };

    /**
     * <pre>
     * static long get(C o, double v, int i, Tape t) { return Ops.shadowGet(o.adjoint$shadow, v, i, t); }
     * static double put(C o, long v, int i, Tape t) {
     *     long[] s = o.adjoint$shadow, n = Ops.shadowPut(s, v, i, LENGTH, t);
     *     if (n != s) o.adjoint$shadow = n;
     *     return Ops.primal(v, t);
     * }
     * </pre>
     */
    private static byte[] bytes(Class<?> c, int length) {
        String host = Type.getInternalName(c);
        String hostDesc = Type.getDescriptor(c);
        String ops = Type.getInternalName(Ops.class);
        String tape = Type.getDescriptor(Tape.class);
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object"; // never asked: the only merge is of identical frames
            }
        };
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC, host + SUFFIX, null,
                "java/lang/Object", null);
        MethodVisitor get = cw.visitMethod(Opcodes.ACC_STATIC, "get", "(" + hostDesc + "DI" + tape + ")J", null, null);
        get.visitCode();
        get.visitVarInsn(Opcodes.ALOAD, 0);
        get.visitFieldInsn(Opcodes.GETFIELD, host, FIELD, FIELD_DESC);
        get.visitVarInsn(Opcodes.DLOAD, 1);
        get.visitVarInsn(Opcodes.ILOAD, 3);
        get.visitVarInsn(Opcodes.ALOAD, 4);
        get.visitMethodInsn(Opcodes.INVOKESTATIC, ops, "shadowGet", "([JDI" + tape + ")J", false);
        get.visitInsn(Opcodes.LRETURN);
        get.visitMaxs(0, 0);
        get.visitEnd();

        MethodVisitor put = cw.visitMethod(Opcodes.ACC_STATIC, "put", "(" + hostDesc + "JI" + tape + ")D", null, null);
        put.visitCode();
        put.visitVarInsn(Opcodes.ALOAD, 0);
        put.visitFieldInsn(Opcodes.GETFIELD, host, FIELD, FIELD_DESC);
        put.visitInsn(Opcodes.DUP);
        put.visitVarInsn(Opcodes.ASTORE, 5);                        // s
        put.visitVarInsn(Opcodes.LLOAD, 1);
        put.visitVarInsn(Opcodes.ILOAD, 3);
        put.visitLdcInsn(length);
        put.visitVarInsn(Opcodes.ALOAD, 4);
        put.visitMethodInsn(Opcodes.INVOKESTATIC, ops, "shadowPut", "([JJII" + tape + ")[J", false);
        put.visitInsn(Opcodes.DUP);                                 // [n n]
        put.visitVarInsn(Opcodes.ALOAD, 5);                         // [n n s]
        Label same = new Label();
        Label done = new Label();
        put.visitJumpInsn(Opcodes.IF_ACMPEQ, same);                 // [n]
        put.visitVarInsn(Opcodes.ALOAD, 0);
        put.visitInsn(Opcodes.SWAP);                                // [o n]
        put.visitFieldInsn(Opcodes.PUTFIELD, host, FIELD, FIELD_DESC);
        put.visitJumpInsn(Opcodes.GOTO, done);
        put.visitLabel(same);
        put.visitInsn(Opcodes.POP);
        put.visitLabel(done);
        put.visitVarInsn(Opcodes.LLOAD, 1);
        put.visitVarInsn(Opcodes.ALOAD, 4);
        put.visitMethodInsn(Opcodes.INVOKESTATIC, ops, "primal", "(J" + tape + ")D", false);
        put.visitInsn(Opcodes.DRETURN);
        put.visitMaxs(0, 0);
        put.visitEnd();

        MethodVisitor copy = cw.visitMethod(Opcodes.ACC_STATIC, "copy", "(" + hostDesc + ")V", null, null);
        copy.visitCode();
        copy.visitVarInsn(Opcodes.ALOAD, 0);
        copy.visitVarInsn(Opcodes.ALOAD, 0);
        copy.visitFieldInsn(Opcodes.GETFIELD, host, FIELD, FIELD_DESC);
        copy.visitMethodInsn(Opcodes.INVOKESTATIC, ops, "copyShadow", "([J)[J", false);
        copy.visitFieldInsn(Opcodes.PUTFIELD, host, FIELD, FIELD_DESC);
        copy.visitInsn(Opcodes.RETURN);
        copy.visitMaxs(0, 0);
        copy.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
