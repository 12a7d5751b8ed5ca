package io.adjoint.agent.host;

import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;


/**
 * Writes one prologue at the start of an original method. In class files of Java 7 or later the slow path is
 * one {@code invokedynamic} (bootstrap {@code HOOK.bootstrap}, which boxes the arguments and calls
 * {@code HOOK.call}), so that a tiny method stays tiny (a getter of 4 bytes becomes 32: still below the JIT's
 * inlining threshold of 35):
 * <pre>
 *   if ([FLAG &&] [HOOK.enabled()]) {
 *       Object r = invokedynamic HOOK.bootstrap("name(desc)") (this-or-nothing, args...);
 *       if (r != Hooks.NOT_ENTERED) return (unboxed) r;
 *   }
 *   ...original code...
 * </pre>
 * Older class files get the same prologue with the boxing written out ({@code HOOK.call(Owner.class,
 * "name(desc)", this-or-null, new Object[] {args...})}). The original code is otherwise untouched; the
 * prologue's frames are "same" frames, so the original's (compressed) frames stay valid after it.
 */
final class Prologue {
    private Prologue() {
    }

    static final String ENTRY = "io/adjoint/internal/Entry";
    static final String NOT_ENTERED_OWNER = "io/adjoint/agent/host/Hooks";
    private static final String BOOTSTRAP_DESC = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;Ljava/lang/String;)Ljava/lang/invoke/CallSite;";

    /**
     * @param flagOwner class of a static int read first (cheap test: nonzero to go on), or null
     * @param enabledCheck whether {@code HOOK.enabled()} is tested before the slow path (with indy, the entry
     *                     hook tests it itself)
     * @param frames    whether the method has a StackMapTable (class file version 50 or later)
     * @param indy      whether the slow path may be an invokedynamic (class file version 51 or later)
     */
    static void write(MethodVisitor mv, int access, String owner, String name, String desc, boolean frames,
                      boolean indy, String flagOwner, String flagName, boolean enabledCheck, String hookOwner) {
        boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
        Label original = new Label();
        Label pop = new Label();
        if (flagOwner != null && indy) { // a JIT constant until the first recording (Entry.ANY_CHECK)
            mv.visitFieldInsn(Opcodes.GETSTATIC, flagOwner, flagName + "_CHECK", "Ljava/lang/invoke/MethodHandle;");
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact", "()Z", false);
            mv.visitJumpInsn(Opcodes.IFEQ, original);
        } else if (flagOwner != null) { // the count of open recordings: nonzero while some thread records
            mv.visitFieldInsn(Opcodes.GETSTATIC, flagOwner, flagName, "I");
            mv.visitJumpInsn(Opcodes.IFEQ, original);
        }
        if (enabledCheck || !indy) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, hookOwner, "enabled", "()Z", false);
            mv.visitJumpInsn(Opcodes.IFEQ, original);
        }
        Type[] args = Type.getArgumentTypes(desc);
        if (indy) {
            StringBuilder indyDesc = new StringBuilder("(");
            if (!isStatic) {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                indyDesc.append('L').append(owner).append(';');
            }
            int slot = isStatic ? 0 : 1;
            for (Type t : args) {
                mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), slot);
                indyDesc.append(t.getDescriptor());
                slot += t.getSize();
            }
            indyDesc.append(")Ljava/lang/Object;");
            mv.visitInvokeDynamicInsn(isStatic ? "callStatic" : "callVirtual", indyDesc.toString(),
                    new Handle(Opcodes.H_INVOKESTATIC, hookOwner, "bootstrap", BOOTSTRAP_DESC, false), name + desc);
        } else {
            mv.visitLdcInsn(Type.getObjectType(owner));
            mv.visitLdcInsn(name + desc);
            if (isStatic) {
                mv.visitInsn(Opcodes.ACONST_NULL);
            } else {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
            }
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
        }
        mv.visitInsn(Opcodes.DUP);
        mv.visitFieldInsn(Opcodes.GETSTATIC, NOT_ENTERED_OWNER, "NOT_ENTERED", "Ljava/lang/Object;");
        mv.visitJumpInsn(Opcodes.IF_ACMPEQ, pop);
        unboxAndReturn(mv, Type.getReturnType(desc));
        mv.visitLabel(pop);
        if (frames) { // the locals are the method's parameters, as in the implicit initial frame
            mv.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Object"});
        }
        mv.visitInsn(Opcodes.POP);
        mv.visitLabel(original);
        if (frames) {
            mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
            mv.visitInsn(Opcodes.NOP); // the original code may have its own frame at its first offset
        }
    }

    /** Operand stack the prologue needs (in slots): the receiver and the arguments, or the boxing's 8. */
    static int stack(int access, String desc) {
        int slots = (access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
        for (Type t : Type.getArgumentTypes(desc)) {
            slots += t.getSize();
        }
        return Math.max(slots + 2, 8);
    }

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
}
