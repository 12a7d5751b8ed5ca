package io.adjoint.agent.report;

import io.adjoint.agent.AdjointAgent;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * For {@code report=Class#method}: gives each reported method returning a double a prologue
 * <pre>  if (ReportHook.enabled()) return ReportHook.call("Class#method(desc)", this-or-null, new Object[]{args});</pre>
 * The hook computes value and gradient through the method's twin and returns exactly the value the
 * method would have returned. Only these methods are changed, and only by this prologue; a class that
 * cannot be transformed stays as it was, with one line on stderr.
 */
public final class ReportTransformer implements ClassFileTransformer {
    private static final String HOOK = "io/adjoint/agent/report/ReportHook";
    private final Map<String, Set<String>> methodsByClass; // internal class name -> method names

    public ReportTransformer(List<String> report) {
        this.methodsByClass = report.stream().collect(Collectors.groupingBy(
                m -> m.substring(0, m.indexOf('#')).replace('.', '/'),
                Collectors.mapping(m -> m.substring(m.indexOf('#') + 1), Collectors.toSet())));
    }

    public Set<String> classNames() {
        return methodsByClass.keySet();
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain pd,
                            byte[] bytes) {
        Set<String> methods = className == null ? null : methodsByClass.get(className);
        if (methods == null) {
            return null;
        }
        try {
            return addPrologues(bytes, methods, className);
        } catch (Throwable e) {
            AdjointAgent.warn("cannot instrument " + className.replace('/', '.') + " for report=: " + e
                    + "; it runs unchanged");
            return null;
        }
    }

    static byte[] addPrologues(byte[] bytes, Set<String> methods, String className) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        int[] count = {0};
        int[] version = {0};
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int v, int access, String name, String sig, String superName, String[] itfs) {
                version[0] = v & 0xFFFF;
                super.visit(v, access, name, sig, superName, itfs);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                MethodVisitor mv = super.visitMethod(access, name, desc, sig, ex);
                if (!methods.contains(name) || (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0
                        || Type.getReturnType(desc).getSort() != Type.DOUBLE) {
                    return mv;
                }
                count[0]++;
                String key = className.replace('/', '.') + "#" + name + desc;
                return new Prologue(mv, access, className, key, desc, version[0] >= Opcodes.V1_6);
            }
        }, ClassReader.EXPAND_FRAMES);
        if (count[0] == 0) {
            AdjointAgent.warn("report=: " + className.replace('/', '.') + " has no method " + methods
                    + " returning double");
            return null;
        }
        AdjointAgent.verbose("report prologue added to " + count[0] + " method(s) of " + className.replace('/', '.'));
        return writer.toByteArray();
    }

    /** Inserts the prologue before the original code; the original code is otherwise untouched. */
    private static final class Prologue extends MethodVisitor {
        private final int access;
        private final String owner;
        private final String key;
        private final String desc;
        private final boolean frames;

        Prologue(MethodVisitor mv, int access, String owner, String key, String desc, boolean frames) {
            super(Opcodes.ASM9, mv);
            this.access = access;
            this.owner = owner;
            this.key = key;
            this.desc = desc;
            this.frames = frames;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
            Label original = new Label();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "enabled", "()Z", false);
            super.visitJumpInsn(Opcodes.IFEQ, original);
            super.visitLdcInsn(Type.getObjectType(owner));
            super.visitLdcInsn(key);
            if (isStatic) {
                super.visitInsn(Opcodes.ACONST_NULL);
            } else {
                super.visitVarInsn(Opcodes.ALOAD, 0);
            }
            Type[] args = Type.getArgumentTypes(desc);
            pushInt(args.length);
            super.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
            int slot = isStatic ? 0 : 1;
            for (int i = 0; i < args.length; i++) {
                super.visitInsn(Opcodes.DUP);
                pushInt(i);
                super.visitVarInsn(args[i].getOpcode(Opcodes.ILOAD), slot);
                box(args[i]);
                super.visitInsn(Opcodes.AASTORE);
                slot += args[i].getSize();
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "call",
                    "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Object;[Ljava/lang/Object;)D", false);
            super.visitInsn(Opcodes.DRETURN);
            super.visitLabel(original);
            if (frames) {
                List<Object> locals = new ArrayList<>();
                if (!isStatic) {
                    locals.add(owner);
                }
                for (Type t : args) {
                    locals.add(frameType(t));
                }
                super.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), 0, new Object[0]);
                super.visitInsn(Opcodes.NOP); // the original code may have its own frame at its first offset
            }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 8), maxLocals);
        }

        private void pushInt(int i) {
            if (i <= 5) {
                super.visitInsn(Opcodes.ICONST_0 + i);
            } else {
                super.visitIntInsn(Opcodes.SIPUSH, i);
            }
        }

        private void box(Type t) {
            String boxed = switch (t.getSort()) {
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
            if (boxed != null) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, boxed, "valueOf", "(" + t.getDescriptor() + ")L" + boxed + ";", false);
            }
        }

        private static Object frameType(Type t) {
            return switch (t.getSort()) {
                case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> Opcodes.INTEGER;
                case Type.FLOAT -> Opcodes.FLOAT;
                case Type.LONG -> Opcodes.LONG;
                case Type.DOUBLE -> Opcodes.DOUBLE;
                default -> t.getInternalName();
            };
        }
    }
}
