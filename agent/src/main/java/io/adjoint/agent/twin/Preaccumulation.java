package io.adjoint.agent.twin;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.adjoint.agent.twin.TwinOpcodes.TAPE;
import static io.adjoint.agent.twin.TwinOpcodes.TAPE_DESC;

/**
 * Statement-level preaccumulation (engine notes, section 7): a tree of double arithmetic inside one basic
 * block, such as {@code 100 * a * a + b * b}, becomes one tape node whose local partials with respect to
 * the tree's leaves are computed inline, in plain JIT-compiled double arithmetic, instead of one node per
 * operation. The leaves are evaluated exactly as before and left on the operand stack (the tree's inner
 * operations, which have no side effects, are removed); at the root, one call to a generated method
 * {@code pre$N(leaf slots..., tape)} computes the value, its partials by a reverse pass over the small
 * tree, and records the node. Values are bit-identical: the same operations run in the same order.
 * While a Hessian is being recorded the generated method replays the operations one by one through
 * {@code Ops}, which record second derivatives.
 */
final class Preaccumulation {
    /** Marker owner for the root call left in the instruction list for {@link TwinMethodAdapter}. */
    static final String MARKER = "io/adjoint/agent/twin/Preaccumulation$Root";
    private static final int MAX_LEAVES = 24;
    private static final String OPS = TwinOpcodes.OPS;

    /** One operation of a tree; children are other ops or leaves (stack operands not produced by tree ops). */
    private static final class Op {
        final int opcode;
        final MethodInsnNode call; // for a Math function: the call itself; null for arithmetic
        final Object[] children; // Op or Integer (leaf index)

        Op(int opcode, MethodInsnNode call, Object[] children) {
            this.opcode = opcode;
            this.call = call;
            this.children = children;
        }
    }

    /** Math functions whose derivative the generated code computes inline (as the rule table defines it). */
    private static final java.util.Set<String> FUNCTIONS = java.util.Set.of("exp", "log", "sqrt", "sin", "cos");

    /** A tree to generate: its root and its leaf count. */
    record Tree(String name, Op root, int leaves) {
    }

    private final List<Tree> trees = new ArrayList<>();
    private int counter;

    /** Rewrites {@code m}'s instructions in place (inner ops removed, roots replaced by marker calls). */
    void rewrite(String owner, MethodNode m) {
        Frame<SourceValue>[] frames;
        try {
            frames = new Analyzer<>(new SourceInterpreter()).analyze(owner, m);
        } catch (AnalyzerException | RuntimeException e) {
            return; // leave the method as it is: every op is then recorded one by one
        }
        AbstractInsnNode[] insns = m.instructions.toArray();
        Map<AbstractInsnNode, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < insns.length; i++) {
            index.put(insns[i], i);
        }
        Set<LabelNode> targets = jumpTargets(m);
        // child op links: an operand produced by exactly one arithmetic op, with nothing in between that
        // could enter or leave the block
        Map<AbstractInsnNode, AbstractInsnNode> parentOf = new IdentityHashMap<>();
        for (int i = 0; i < insns.length; i++) {
            if (!isArithmetic(insns[i]) || frames[i] == null) {
                continue;
            }
            int arity = arity(insns[i]);
            Frame<SourceValue> f = frames[i];
            for (int k = 0; k < arity; k++) {
                SourceValue v = f.getStack(f.getStackSize() - arity + k);
                if (v.insns.size() == 1) {
                    AbstractInsnNode p = v.insns.iterator().next();
                    Integer pi = index.get(p);
                    if (isArithmetic(p) && pi != null && pi < i && straight(insns, pi, i, targets)) {
                        parentOf.put(p, insns[i]);
                    }
                }
            }
        }
        // roots: arithmetic ops that are nobody's child; build their trees
        for (int i = 0; i < insns.length; i++) {
            AbstractInsnNode insn = insns[i];
            if (!isArithmetic(insn) || parentOf.containsKey(insn) || frames[i] == null) {
                continue;
            }
            List<AbstractInsnNode> inner = new ArrayList<>();
            int[] leaves = {0};
            Op root = build(insn, frames, index, parentOf, inner, leaves);
            if (inner.isEmpty() || leaves[0] > MAX_LEAVES) {
                continue; // a single operation gains nothing; very wide trees stay as they are
            }
            String name = "pre$" + (counter++);
            trees.add(new Tree(name, root, leaves[0]));
            for (AbstractInsnNode op : inner) {
                m.instructions.set(op, new InsnNode(Opcodes.NOP));
            }
            m.instructions.set(insn, new MethodInsnNode(Opcodes.INVOKESTATIC, MARKER, name,
                    "(" + "D".repeat(leaves[0]) + ")D", false));
        }
    }

    private Op build(AbstractInsnNode insn, Frame<SourceValue>[] frames, Map<AbstractInsnNode, Integer> index,
                     Map<AbstractInsnNode, AbstractInsnNode> parentOf, List<AbstractInsnNode> inner, int[] leaves) {
        int i = index.get(insn);
        int arity = arity(insn);
        Frame<SourceValue> f = frames[i];
        Object[] children = new Object[arity];
        for (int k = 0; k < arity; k++) {
            SourceValue v = f.getStack(f.getStackSize() - arity + k);
            AbstractInsnNode p = v.insns.size() == 1 ? v.insns.iterator().next() : null;
            if (p != null && parentOf.get(p) == insn) {
                inner.add(p);
                children[k] = build(p, frames, index, parentOf, inner, leaves);
            } else {
                children[k] = leaves[0]++;
            }
        }
        return new Op(insn.getOpcode(), insn instanceof MethodInsnNode m ? m : null, children);
    }

    /** + - * / and negation, and calls of the Math and StrictMath functions in {@link #FUNCTIONS}. */
    private static boolean isArithmetic(AbstractInsnNode insn) {
        int op = insn.getOpcode();
        if (insn instanceof MethodInsnNode m) {
            return op == Opcodes.INVOKESTATIC && m.desc.equals("(D)D") && FUNCTIONS.contains(m.name)
                    && (m.owner.equals("java/lang/Math") || m.owner.equals("java/lang/StrictMath"));
        }
        return op == Opcodes.DADD || op == Opcodes.DSUB || op == Opcodes.DMUL || op == Opcodes.DDIV
                || op == Opcodes.DNEG;
    }

    private static int arity(AbstractInsnNode insn) {
        return insn.getOpcode() == Opcodes.DNEG || insn instanceof MethodInsnNode ? 1 : 2;
    }

    /** No jump, switch, return, throw or jump target strictly between {@code from} and {@code to}. */
    private static boolean straight(AbstractInsnNode[] insns, int from, int to, Set<LabelNode> targets) {
        for (int i = from + 1; i < to; i++) {
            AbstractInsnNode n = insns[i];
            if (n instanceof LabelNode l && targets.contains(l)) {
                return false;
            }
            if (n instanceof JumpInsnNode || n instanceof TableSwitchInsnNode || n instanceof LookupSwitchInsnNode) {
                return false;
            }
            int op = n.getOpcode();
            if ((op >= Opcodes.IRETURN && op <= Opcodes.RETURN) || op == Opcodes.ATHROW) {
                return false;
            }
        }
        return true;
    }

    private static Set<LabelNode> jumpTargets(MethodNode m) {
        Set<LabelNode> targets = new HashSet<>();
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof JumpInsnNode j) {
                targets.add(j.label);
            } else if (n instanceof TableSwitchInsnNode t) {
                targets.add(t.dflt);
                targets.addAll(t.labels);
            } else if (n instanceof LookupSwitchInsnNode l) {
                targets.add(l.dflt);
                targets.addAll(l.labels);
            }
        }
        for (TryCatchBlockNode tcb : m.tryCatchBlocks) {
            targets.add(tcb.start);
            targets.add(tcb.end);
            targets.add(tcb.handler);
        }
        return targets;
    }

    // ---- generation of pre$N(long leaf0, ..., long leafK-1, Tape t) ----------------------------------

    /** Adds the generated methods to the companion class. */
    void emit(ClassVisitor cv) {
        for (Tree tree : trees) {
            emit(cv, tree);
        }
    }

    /** The descriptor of a generated method with {@code leaves} leaf slots. */
    static String descriptor(int leaves) {
        return "(" + "J".repeat(leaves) + TAPE_DESC + ")J";
    }

    private void emit(ClassVisitor cv, Tree tree) {
        int k = tree.leaves;
        MethodVisitor mv = cv.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                tree.name, descriptor(k), null, null);
        mv.visitCode();
        int tape = 2 * k;
        int next = tape + 1;
        // the second-order path: the same operations one by one through Ops
        Label firstOrder = new Label();
        mv.visitVarInsn(Opcodes.ALOAD, tape);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, TAPE, "isSecondOrder", "()Z", false);
        mv.visitJumpInsn(Opcodes.IFEQ, firstOrder);
        replay(mv, tree.root, tape);
        mv.visitInsn(Opcodes.LRETURN);
        mv.visitLabel(firstOrder);
        // leaf values
        int[] leafValue = new int[k];
        for (int i = 0; i < k; i++) {
            leafValue[i] = next;
            next += 2;
            mv.visitVarInsn(Opcodes.LLOAD, 2 * i);
            mv.visitVarInsn(Opcodes.ALOAD, tape);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, TAPE, "val", "(J" + TAPE_DESC + ")D", false);
            mv.visitVarInsn(Opcodes.DSTORE, leafValue[i]);
        }
        // forward: values of the operations, in evaluation order
        List<Op> order = new ArrayList<>();
        postorder(tree.root, order);
        Map<Op, Integer> opValue = new HashMap<>();
        for (Op op : order) {
            for (Object c : op.children) {
                loadValue(mv, c, leafValue, opValue);
            }
            if (op.call != null) { // the same function of the same class: bit-identical values
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, op.call.owner, op.call.name, op.call.desc, false);
            } else {
                mv.visitInsn(op.opcode);
            }
            opValue.put(op, next);
            mv.visitVarInsn(Opcodes.DSTORE, next);
            next += 2;
        }
        int rootValue = opValue.get(tree.root);
        // all leaves passive: a passive result, nothing recorded
        Label record = new Label();
        for (int i = 0; i < k; i++) {
            mv.visitVarInsn(Opcodes.LLOAD, 2 * i);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "io/adjoint/internal/Slot", "isActive", "(J)Z", false);
            mv.visitJumpInsn(Opcodes.IFNE, record);
        }
        mv.visitVarInsn(Opcodes.DLOAD, rootValue);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
        mv.visitInsn(Opcodes.LRETURN);
        mv.visitLabel(record);
        // reverse over the tree: adjoints of operations and leaves
        Map<Op, Integer> opAdj = new HashMap<>();
        int[] leafAdj = new int[k];
        for (int i = 0; i < k; i++) {
            leafAdj[i] = next;
            next += 2;
            mv.visitInsn(Opcodes.DCONST_0);
            mv.visitVarInsn(Opcodes.DSTORE, leafAdj[i]);
        }
        for (Op op : order) {
            opAdj.put(op, next);
            mv.visitInsn(op == tree.root ? Opcodes.DCONST_1 : Opcodes.DCONST_0);
            mv.visitVarInsn(Opcodes.DSTORE, next);
            next += 2;
        }
        for (int j = order.size() - 1; j >= 0; j--) {
            Op op = order.get(j);
            int a = opAdj.get(op);
            // like the reverse sweep, an operation whose adjoint is zero passes nothing on (no 0 * inf)
            Label skip = new Label();
            mv.visitVarInsn(Opcodes.DLOAD, a);
            mv.visitInsn(Opcodes.DCONST_0);
            mv.visitInsn(Opcodes.DCMPL);
            mv.visitJumpInsn(Opcodes.IFEQ, skip);
            Object l = op.children[0];
            Object r = op.children.length > 1 ? op.children[1] : null;
            if (op.call != null) {
                accumulate(mv, l, leafAdj, opAdj, () -> {
                    mv.visitVarInsn(Opcodes.DLOAD, a);
                    functionSlope(mv, op, l, leafValue, opValue);
                    mv.visitInsn(Opcodes.DMUL);
                });
                mv.visitLabel(skip);
                continue;
            }
            switch (op.opcode) {
                case Opcodes.DADD -> {
                    accumulate(mv, l, leafAdj, opAdj, () -> mv.visitVarInsn(Opcodes.DLOAD, a));
                    accumulate(mv, r, leafAdj, opAdj, () -> mv.visitVarInsn(Opcodes.DLOAD, a));
                }
                case Opcodes.DSUB -> {
                    accumulate(mv, l, leafAdj, opAdj, () -> mv.visitVarInsn(Opcodes.DLOAD, a));
                    accumulate(mv, r, leafAdj, opAdj, () -> {
                        mv.visitVarInsn(Opcodes.DLOAD, a);
                        mv.visitInsn(Opcodes.DNEG);
                    });
                }
                case Opcodes.DNEG -> accumulate(mv, l, leafAdj, opAdj, () -> {
                    mv.visitVarInsn(Opcodes.DLOAD, a);
                    mv.visitInsn(Opcodes.DNEG);
                });
                case Opcodes.DMUL -> {
                    accumulate(mv, l, leafAdj, opAdj, () -> {
                        mv.visitVarInsn(Opcodes.DLOAD, a);
                        loadValue(mv, r, leafValue, opValue);
                        mv.visitInsn(Opcodes.DMUL);
                    });
                    accumulate(mv, r, leafAdj, opAdj, () -> {
                        mv.visitVarInsn(Opcodes.DLOAD, a);
                        loadValue(mv, l, leafValue, opValue);
                        mv.visitInsn(Opcodes.DMUL);
                    });
                }
                case Opcodes.DDIV -> { // q = l / r: dq/dl = 1 / r, dq/dr = -q / r
                    accumulate(mv, l, leafAdj, opAdj, () -> {
                        mv.visitVarInsn(Opcodes.DLOAD, a);
                        loadValue(mv, r, leafValue, opValue);
                        mv.visitInsn(Opcodes.DDIV);
                    });
                    accumulate(mv, r, leafAdj, opAdj, () -> {
                        mv.visitVarInsn(Opcodes.DLOAD, a);
                        mv.visitVarInsn(Opcodes.DLOAD, opValue.get(op));
                        mv.visitInsn(Opcodes.DMUL);
                        loadValue(mv, r, leafValue, opValue);
                        mv.visitInsn(Opcodes.DDIV);
                        mv.visitInsn(Opcodes.DNEG);
                    });
                }
                default -> throw new IllegalStateException("opcode " + op.opcode);
            }
            mv.visitLabel(skip);
        }
        // record: t.begin(k); t.arg(leaf_i, adj_i)...; return t.end(value)
        mv.visitVarInsn(Opcodes.ALOAD, tape);
        pushInt(mv, k);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, TAPE, "begin", "(I)V", false);
        for (int i = 0; i < k; i++) {
            mv.visitVarInsn(Opcodes.ALOAD, tape);
            mv.visitVarInsn(Opcodes.LLOAD, 2 * i);
            mv.visitVarInsn(Opcodes.DLOAD, leafAdj[i]);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, TAPE, "arg", "(JD)V", false);
        }
        mv.visitVarInsn(Opcodes.ALOAD, tape);
        mv.visitVarInsn(Opcodes.DLOAD, rootValue);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, TAPE, "end", "(D)J", false);
        mv.visitInsn(Opcodes.LRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Pushes f'(x) for a Math function op with argument {@code x} (the conventions of the rule table). */
    private static void functionSlope(MethodVisitor mv, Op op, Object x, int[] leafValue, Map<Op, Integer> opValue) {
        switch (op.call.name) {
            case "exp" -> mv.visitVarInsn(Opcodes.DLOAD, opValue.get(op)); // y
            case "log" -> { // 1 / x
                mv.visitInsn(Opcodes.DCONST_1);
                loadValue(mv, x, leafValue, opValue);
                mv.visitInsn(Opcodes.DDIV);
            }
            case "sqrt" -> { // 0.5 / |y|: sqrt(-0.0) is -0.0 and sqrt'(0) = +inf
                mv.visitLdcInsn(0.5);
                mv.visitVarInsn(Opcodes.DLOAD, opValue.get(op));
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", "abs", "(D)D", false);
                mv.visitInsn(Opcodes.DDIV);
            }
            case "sin" -> {
                loadValue(mv, x, leafValue, opValue);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", "cos", "(D)D", false);
            }
            case "cos" -> {
                loadValue(mv, x, leafValue, opValue);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", "sin", "(D)D", false);
                mv.visitInsn(Opcodes.DNEG);
            }
            default -> throw new IllegalStateException(op.call.name);
        }
    }

    private static void postorder(Op op, List<Op> out) {
        for (Object c : op.children) {
            if (c instanceof Op child) {
                postorder(child, out);
            }
        }
        out.add(op);
    }

    private static void loadValue(MethodVisitor mv, Object node, int[] leafValue, Map<Op, Integer> opValue) {
        mv.visitVarInsn(Opcodes.DLOAD, node instanceof Op op ? opValue.get(op) : leafValue[(Integer) node]);
    }

    /** adj[node] += (the value the emitter pushes). */
    private static void accumulate(MethodVisitor mv, Object node, int[] leafAdj, Map<Op, Integer> opAdj,
                                   Runnable pushContribution) {
        int var = node instanceof Op op ? opAdj.get(op) : leafAdj[(Integer) node];
        mv.visitVarInsn(Opcodes.DLOAD, var);
        pushContribution.run();
        mv.visitInsn(Opcodes.DADD);
        mv.visitVarInsn(Opcodes.DSTORE, var);
    }

    /** The operations one by one through Ops, on slots: exactly what the twin would have done. */
    private static void replay(MethodVisitor mv, Op op, int tape) {
        for (Object c : op.children) {
            if (c instanceof Op child) {
                replay(mv, child, tape);
            } else {
                mv.visitVarInsn(Opcodes.LLOAD, 2 * (Integer) c);
            }
        }
        mv.visitVarInsn(Opcodes.ALOAD, tape);
        if (op.call != null) {
            mv.visitLdcInsn(op.call.owner);
            mv.visitLdcInsn(op.call.name);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "unaryRule",
                    "(J" + TAPE_DESC + "Ljava/lang/String;Ljava/lang/String;)J", false);
            return;
        }
        String[] call = TwinOpcodes.computing(op.opcode);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, call[0], call[1], call[2], false);
    }

    private static void pushInt(MethodVisitor mv, int i) {
        if (i <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + i);
        } else {
            mv.visitIntInsn(Opcodes.BIPUSH, i);
        }
    }
}
