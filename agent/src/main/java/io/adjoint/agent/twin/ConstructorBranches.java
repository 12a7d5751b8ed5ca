package io.adjoint.agent.twin;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.JSRInlinerAdapter;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

import java.util.List;

/**
 * Twin branches for constructors. A constructor cannot be a static twin (it must initialise its object),
 * so its twin lives inside it:
 * <pre>
 *   if (Entry.ANY != 0) { Frame f = Entry.constructorFrame("C.&lt;init&gt;(DD)V");
 *                    if (f != null) { params := f.slots; tape := f.tape; ...twin of the body...; return } }
 *   ...original body...
 * </pre>
 * Twin code that calls the constructor leaves the argument slots in a frame naming it; anyone else runs the
 * original body. The object and its side effects are made once, by whichever branch runs.
 */
public final class ConstructorBranches {
    private ConstructorBranches() {
    }

    /** Reads a class into a tree, with old JSR/RET subroutines inlined. */
    public static ClassNode read(byte[] bytes) {
        ClassNode node = new ClassNode(Opcodes.ASM9) {
            @Override
            public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String desc, String sig,
                                                               String[] exceptions) {
                MethodNode m = new JSRInlinerAdapter(null, access, name, desc, sig, exceptions);
                methods.add(m);
                return m;
            }
        };
        new ClassReader(bytes).accept(node, ClassReader.SKIP_FRAMES);
        return node;
    }

    /**
     * Whether some constructor of the class computes ({@link #computes}): a quick scan of the constructors
     * alone, for the common case where none does and the class needs prologues only.
     */
    public static boolean anyComputes(byte[] bytes) {
        java.util.List<MethodNode> ctors = new java.util.ArrayList<>(2);
        new ClassReader(bytes).accept(new org.objectweb.asm.ClassVisitor(Opcodes.ASM9) {
            @Override
            public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String desc, String sig,
                                                               String[] exceptions) {
                if (!name.equals("<init>")) {
                    return null;
                }
                MethodNode m = new MethodNode(Opcodes.ASM9, access, name, desc, sig, exceptions);
                ctors.add(m);
                return m;
            }
        }, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
        for (MethodNode m : ctors) {
            if (computes(m)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a constructor computes anything a derivative could flow through. */
    public static boolean computes(MethodNode ctor) {
        if (TwinGenerator.mentionsReals(ctor.desc)) {
            return true;
        }
        for (AbstractInsnNode insn : ctor.instructions) {
            int op = insn.getOpcode();
            if (op >= 0 && (TwinOpcodes.computing(op) != null || TwinOpcodes.producesPassiveDouble(op)
                    || TwinOpcodes.moving(op) >= 0)) {
                return true;
            }
            if (insn instanceof LdcInsnNode ldc && (ldc.cst instanceof Double || ldc.cst instanceof Float)) {
                return true;
            }
            if (insn instanceof FieldInsnNode f && (f.desc.equals("D") || f.desc.equals("F"))) {
                return true;
            }
            // calls that may compute, including this(...) and super(...) of the application's classes,
            // whose own twin branches need the slots passed on
            if (insn instanceof MethodInsnNode m
                    && (TwinGenerator.mentionsReals(m.desc) || !m.owner.startsWith("java/"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Puts a twin branch at the start of {@code ctor}. {@code twinSource} is the same constructor read a
     * second time (so its labels are its own), which this consumes.
     */
    public static void insert(String owner, String sourceFile, MethodNode ctor, MethodNode twinSource,
                              ClassHierarchy hierarchy) {
        int slotsVar = ctor.maxLocals;
        int tapeVar = ctor.maxLocals + 1;
        MethodNode twin = new MethodNode(Opcodes.ASM9, ctor.access, ctor.name, ctor.desc, null, null);
        twinSource.accept(new TwinMethodAdapter(twin, -1, tapeVar, owner.replace('/', '.') + ".<init>", sourceFile,
                hierarchy, true).constructingByHandle(TwinMethodAdapter.newDupInits(owner, twinSource)));

        String key = owner.replace('/', '.') + ".<init>" + ctor.desc;
        InsnList pre = new InsnList();
        LabelNode original = new LabelNode();
        LabelNode pop = new LabelNode();
        pre.add(new FieldInsnNode(Opcodes.GETSTATIC, "io/adjoint/internal/Entry", "ANY", "I")); // open recordings
        pre.add(new JumpInsnNode(Opcodes.IFEQ, original));
        pre.add(new LdcInsnNode(key));
        pre.add(new MethodInsnNode(Opcodes.INVOKESTATIC, ENTRY, "constructorFrame",
                "(Ljava/lang/String;)L" + ENTRY + "$Frame;", false));
        pre.add(new InsnNode(Opcodes.DUP));
        pre.add(new JumpInsnNode(Opcodes.IFNULL, pop));
        pre.add(new InsnNode(Opcodes.DUP));
        pre.add(new FieldInsnNode(Opcodes.GETFIELD, ENTRY + "$Frame", "tape", TwinOpcodes.TAPE_DESC));
        pre.add(new VarInsnNode(Opcodes.ASTORE, tapeVar));
        pre.add(new FieldInsnNode(Opcodes.GETFIELD, ENTRY + "$Frame", "slots", "[J"));
        pre.add(new VarInsnNode(Opcodes.ASTORE, slotsVar));
        loadSlots(pre, Type.getArgumentTypes(ctor.desc), slotsVar, tapeVar);
        pre.add(twin.instructions);
        pre.add(pop);
        pre.add(new InsnNode(Opcodes.POP));
        pre.add(original);
        ctor.instructions.insert(pre);
        ctor.tryCatchBlocks.addAll(twin.tryCatchBlocks);
        ctor.maxLocals = Math.max(ctor.maxLocals, twin.maxLocals) + 2;
    }

    private static final String ENTRY = "io/adjoint/internal/Entry";
    static final String FRAME_DESC = "L" + ENTRY + "$Frame;";

    /** The descriptor of the twin constructor of a constructor: its parameters and the frame. */
    public static String twinConstructorDescriptor(String desc) {
        return desc.substring(0, desc.indexOf(')')) + FRAME_DESC + ")V";
    }

    /**
     * The <em>twin constructor</em> of {@code ctor}: {@code private synthetic <init>(its parameters..., Entry.Frame)},
     * the twin of the body alone, with the slots and the tape taken from the frame argument. Twin code makes objects
     * through it (an invokedynamic linked by Linker.construct) rather than the constructor, so that the constructor's own twin
     * branch stays cold: the JIT then leaves that branch out of the application's compiled code, where its calls,
     * which take {@code this}, would defeat escape analysis (an application allocating small objects in a hot loop
     * ran 3x slower after its first gradient). Private: neither the default serialVersionUID nor
     * {@code getConstructors()} sees it. {@code twinSource} is the constructor read once more (consumed).
     */
    public static MethodNode twinConstructor(String owner, String sourceFile, MethodNode ctor, MethodNode twinSource,
                                             ClassHierarchy hierarchy) {
        Type[] args = Type.getArgumentTypes(ctor.desc);
        int frameVar = 1;
        for (Type a : args) {
            frameVar += a.getSize();
        }
        int slotsVar = Math.max(ctor.maxLocals, frameVar + 1);
        int tapeVar = slotsVar + 1;
        MethodNode twin = new MethodNode(Opcodes.ASM9, ctor.access, ctor.name, ctor.desc, null, null);
        twinSource.accept(new TwinMethodAdapter(twin, -1, tapeVar, owner.replace('/', '.') + ".<init>", sourceFile,
                hierarchy, true).constructingByHandle(TwinMethodAdapter.newDupInits(owner, twinSource)));
        MethodNode result = new MethodNode(Opcodes.ASM9, Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC, "<init>",
                twinConstructorDescriptor(ctor.desc), null, ctor.exceptions.toArray(new String[0]));
        InsnList code = result.instructions;
        code.add(new VarInsnNode(Opcodes.ALOAD, frameVar));
        code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, ENTRY, "twinConstructorEntered",
                "(" + FRAME_DESC + ")" + FRAME_DESC, false));
        code.add(new InsnNode(Opcodes.DUP));
        code.add(new FieldInsnNode(Opcodes.GETFIELD, ENTRY + "$Frame", "tape", TwinOpcodes.TAPE_DESC));
        code.add(new VarInsnNode(Opcodes.ASTORE, tapeVar));
        code.add(new FieldInsnNode(Opcodes.GETFIELD, ENTRY + "$Frame", "slots", "[J"));
        code.add(new VarInsnNode(Opcodes.ASTORE, slotsVar));
        loadSlots(code, args, slotsVar, tapeVar);
        code.add(twin.instructions);
        result.tryCatchBlocks.addAll(twin.tryCatchBlocks);
        result.maxLocals = Math.max(tapeVar + 1, twin.maxLocals) + 2;
        return result;
    }

    /** Replaces each double (float) parameter local with its slot from the frame's slots (float: as a float). */
    private static void loadSlots(InsnList code, Type[] args, int slotsVar, int tapeVar) {
        int local = 1;
        for (int i = 0; i < args.length; i++) {
            if (TwinGenerator.isReal(args[i])) {
                code.add(new VarInsnNode(Opcodes.ALOAD, slotsVar));
                code.add(i <= 5 ? new InsnNode(Opcodes.ICONST_0 + i) : new IntInsnNode(Opcodes.SIPUSH, i));
                code.add(new InsnNode(Opcodes.LALOAD));
                if (args[i].getSort() == Type.FLOAT) {
                    code.add(new VarInsnNode(Opcodes.ALOAD, tapeVar));
                    code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, TwinOpcodes.FLOAT_OPS, "fromSlot",
                            "(J" + TwinOpcodes.TAPE_DESC + ")F", false));
                    code.add(new VarInsnNode(Opcodes.FSTORE, local));
                } else {
                    code.add(new VarInsnNode(Opcodes.LSTORE, local));
                }
            }
            local += args[i].getSize();
        }
    }

    /** The constructor of {@code node} with this descriptor. */
    public static MethodNode constructor(ClassNode node, String desc) {
        List<MethodNode> methods = node.methods;
        for (MethodNode m : methods) {
            if (m.name.equals("<init>") && m.desc.equals(desc)) {
                return m;
            }
        }
        throw new IllegalStateException("no constructor " + desc);
    }
}
