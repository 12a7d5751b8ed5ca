package io.adjoint.agent.host;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes one prologue at the start of an original method:
 * <pre>
 *   if ([FLAG &&] HOOK.enabled()) {
 *       Object r = HOOK.call(Owner.class, "name(desc)", this-or-null, new Object[] {args...});
 *       if (r != HOOK.NOT_ENTERED) return (unboxed) r;
 *   }
 *   ...original code...
 * </pre>
 * The original code is otherwise untouched; the frame after the prologue is the method's initial frame.
 */
final class Prologue {
    private Prologue() {
    }

    static final String ENTRY = "io/adjoint/internal/Entry";
    static final String NOT_ENTERED_OWNER = "io/adjoint/agent/host/Hooks";

    /**
     * @param flagOwner class of a static boolean read first (cheap test), or null
     */
    static void write(MethodVisitor mv, int access, String owner, String name, String desc, boolean frames,
                      String flagOwner, String flagName, String hookOwner) {
        boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
        Label original = new Label();
        Label pop = new Label();
        if (flagOwner != null) {
            mv.visitFieldInsn(Opcodes.GETSTATIC, flagOwner, flagName, "Z");
            mv.visitJumpInsn(Opcodes.IFEQ, original);
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, hookOwner, "enabled", "()Z", false);
        mv.visitJumpInsn(Opcodes.IFEQ, original);
        mv.visitLdcInsn(Type.getObjectType(owner));
        mv.visitLdcInsn(name + desc);
        if (isStatic) {
            mv.visitInsn(Opcodes.ACONST_NULL);
        } else {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
        }
        Type[] args = Type.getArgumentTypes(desc);
        pushInt(mv, args.length);
        mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < args.length; i++) {
            mv.visitInsn(Opcodes.DUP);
            pushInt(mv, i);
            mv.visitVarInsn(args[i].getOpcode(Opcodes.ILOAD), slot);
            box(mv, args[i]);
            mv.visitInsn(Opcodes.AASTORE);
            slot += args[i].getSize();
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, hookOwner, "call",
                "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;", false);
        mv.visitInsn(Opcodes.DUP);
        mv.visitFieldInsn(Opcodes.GETSTATIC, NOT_ENTERED_OWNER, "NOT_ENTERED", "Ljava/lang/Object;");
        mv.visitJumpInsn(Opcodes.IF_ACMPEQ, pop);
        unboxAndReturn(mv, Type.getReturnType(desc));
        mv.visitLabel(pop);
        List<Object> locals = new ArrayList<>();
        if (!isStatic) {
            locals.add(owner);
        }
        for (Type t : args) {
            locals.add(frameType(t));
        }
        if (frames) {
            mv.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), 1, new Object[] {"java/lang/Object"});
        }
        mv.visitInsn(Opcodes.POP);
        mv.visitLabel(original);
        if (frames) {
            mv.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), 0, new Object[0]);
            mv.visitInsn(Opcodes.NOP); // the original code may have its own frame at its first offset
        }
    }

    /** Extra operand stack the prologue needs. */
    static final int STACK = 8;

    private static void pushInt(MethodVisitor mv, int i) {
        if (i <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + i);
        } else {
            mv.visitIntInsn(Opcodes.SIPUSH, i);
        }
    }

    private static String boxed(Type t) {
        return switch (t.getSort()) {
            case Type.BOOLEAN -> "java/lang/Boolean";
            case Type.BYTE -> "java/lang/Byte";
            case Type.CHAR -> "java/lang/Character";
            case Type.SHORT -> "java/lang/Short";
            case Type.INT -> "java/lang/Integer";
            case Type.FLOAT -> "java/lang/Float";
            case Type.LONG -> "java/lang/Long";
            case Type.DOUBLE -> "java/lang/Double";
            default -> null;
        };
    }

    private static void box(MethodVisitor mv, Type t) {
        String b = boxed(t);
        if (b != null) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, b, "valueOf", "(" + t.getDescriptor() + ")L" + b + ";", false);
        }
    }

    private static void unboxAndReturn(MethodVisitor mv, Type t) {
        if (t.getSort() == Type.VOID) {
            mv.visitInsn(Opcodes.POP);
            mv.visitInsn(Opcodes.RETURN);
            return;
        }
        String b = boxed(t);
        if (b != null) {
            mv.visitTypeInsn(Opcodes.CHECKCAST, b);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, b, t.getClassName() + "Value", "()" + t.getDescriptor(), false);
        } else {
            mv.visitTypeInsn(Opcodes.CHECKCAST, t.getSort() == Type.ARRAY ? t.getDescriptor() : t.getInternalName());
        }
        mv.visitInsn(t.getOpcode(Opcodes.IRETURN));
    }

    private static Object frameType(Type t) {
        return switch (t.getSort()) {
            case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> Opcodes.INTEGER;
            case Type.FLOAT -> Opcodes.FLOAT;
            case Type.LONG -> Opcodes.LONG;
            case Type.DOUBLE -> Opcodes.DOUBLE;
            default -> t.getSort() == Type.ARRAY ? t.getDescriptor() : t.getInternalName();
        };
    }
}
