package io.adjoint.agent.twin;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;
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
 * Basic-block preaccumulation (engine notes, section 7): the double arithmetic of a basic block, such as
 * Rosenbrock's {@code t1 = x[i+1] - x[i]*x[i]; t2 = 1 - x[i]; f += 100*t1*t1 + t2*t2}, becomes one tape node
 * whose local partials with respect to its inputs are computed inline, in plain JIT-compiled double arithmetic,
 * instead of one node per operation.
 *
 * <p><b>What is gathered.</b> A tree of {@code + - * /}, negation and {@code Math}/{@code StrictMath}
 * {@code exp log sqrt sin cos tan atan sinh cosh tanh expm1 log1p}, each operand produced by exactly one such
 * operation with no jump, return or jump target in between; then across statements: a local written with such a tree ({@code DSTORE}) whose every read
 * is an operand of one later tree in the same basic block (and reached by no other write) is folded into that
 * tree, which turns the block's arithmetic into a DAG (a local read twice is one shared sub-expression).
 * Operands that come from outside (the <em>leaves</em>) are merged when they are certainly the same value: reads
 * of one local with the same reaching writes, reads of the same {@code double[]} element (same array and index
 * locals, same reaching writes, nothing in between that could store into an array); constants are folded into
 * the generated code.
 *
 * <p><b>How it is rewritten.</b> The gathered operations are removed (they have no side effects). Each leaf
 * that had to be computed (an array element, a call's result) is stored into a fresh local where its operation
 * used to be; a leaf that is a local still holding the same value at the root is simply read again there. At
 * the root, the leaves are loaded and one call of a generated {@code pre$N(leaf slots..., tape)} in the
 * companion computes the value in plain doubles (bit-identical: the same operations on the same operands), the
 * partials with respect to each leaf by a reverse pass over the small DAG (skipping zero adjoints, as the sweep
 * does), and records <b>one</b> node with the active leaves as arguments ({@code Tape.begin/arg/end}). While a
 * Hessian is recorded, {@code pre$N} replays the operations one by one through {@code Ops} (which record second
 * derivatives).
 *
 * <p><b>Loop-carried sums.</b> A root stored straight back into a local that is one of its leaves, whose partial is
 * exactly 1 ({@code s += w[i] * x[i]}), ends its node with {@code Tape.endAccumulate}: the node holding the
 * sum is extended while the twin owns it (an int local per accumulator: the node its last accumulation made, -1 at
 * method entry and after any other read of the accumulator), one node per loop instead of one per iteration. Each such
 * block also gets a run variant {@code pre$N$run}, which {@link AccumulationRuns} calls where the sum's node can stay
 * open in the twin's locals across the loop.
 */
final class Preaccumulation {
    /** Marker owner for the root call left in the instruction list for {@link TwinMethodAdapter}. */
    static final String MARKER = "io/adjoint/agent/twin/Preaccumulation$Root";
    /** Leaves of one generated method at most (each a long parameter: the JVM allows 255 parameter slots). */
    static final int MAX_LEAVES = 24;
    /** Operations of one generated method at most (keeps it small enough for the JIT to inline). */
    private static final int MAX_OPS = 40;
    private static final String OPS = TwinOpcodes.OPS;

    /** One operation; children are other {@link Op}s (possibly shared), {@link Leaf}s or {@link Const}s. */
    private static final class Op {
        final AbstractInsnNode insn;
        final MethodInsnNode call; // for a Math function: the call itself; null for arithmetic
        final Object[] children;

        Op(AbstractInsnNode insn, Object[] children) {
            this.insn = insn;
            this.call = insn instanceof MethodInsnNode m ? m : null;
            this.children = children;
        }

        int opcode() {
            return insn.getOpcode();
        }
    }

    /** A constant operand, folded into the generated method. */
    private record Const(double value) {
    }

    /** An operand produced outside the DAG: a parameter of the generated method. */
    private static final class Leaf {
        final SourceValue source;
        final Op parent;
        final int operand;
        /** The local variable its slot is read from at the root. */
        int var = -1;
        /** Still pushed by its own instructions: stored into {@link #var} where its parent operation was. */
        boolean saved;
        /** An earlier leaf certainly holding the same value, or null. */
        Leaf same;
        /** The parameter index of the generated method (of the representative leaf). */
        int index = -1;

        Leaf(SourceValue source, Op parent, int operand) {
            this.source = source;
            this.parent = parent;
            this.operand = operand;
        }

        Leaf representative() {
            return same == null ? this : same;
        }

        /** The single instruction that produced this operand, or null. */
        AbstractInsnNode producer() {
            return source.insns.size() == 1 ? source.insns.iterator().next() : null;
        }
    }

    /**
     * A generated method: its name, root, number of leaf parameters, and the parameter index of the accumulator
     * when the root is a loop-carried sum {@code acc = acc + ...} (the method then takes the accumulator's owned
     * node as an int after the leaves), else -1.
     */
    record Tree(String name, Op root, int leaves, int accumulator) {
    }

    /** Marker name of the call that takes the node an accumulation made ({@code (D)I}, after a DUP2 of its result). */
    static final String OWNER = "owner";

    private final List<Tree> trees = new ArrayList<>();
    private int counter;

    // per method being rewritten
    private MethodNode method;
    private AbstractInsnNode[] insns;
    private Frame<SourceValue>[] frames;
    private Map<AbstractInsnNode, Integer> index;
    private Set<LabelNode> targets;
    /** Accumulator local -> the int local holding the node its last accumulation made, or -1 (Tape.endAccumulate). */
    private Map<Integer, Integer> ownedLocal;
    /** The accumulators' reloads at their roots: the only reads of those locals that keep the node owned. */
    private Set<AbstractInsnNode> accumulatorLoads;

    /** Rewrites {@code m}'s instructions in place (gathered operations removed, roots replaced by marker calls). */
    void rewrite(String owner, MethodNode m) {
        try {
            frames = new Analyzer<>(new SourceInterpreter()).analyze(owner, m);
        } catch (AnalyzerException | RuntimeException e) {
            return; // leave the method as it is: every op is then recorded one by one
        }
        method = m;
        insns = m.instructions.toArray();
        index = new IdentityHashMap<>();
        for (int i = 0; i < insns.length; i++) {
            index.put(insns[i], i);
        }
        targets = jumpTargets(m);
        ownedLocal = new HashMap<>();
        accumulatorLoads = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        try {
            rewrite();
            disownOnOtherReads();
        } finally {
            method = null;
            insns = null;
            frames = null;
            index = null;
            targets = null;
            ownedLocal = null;
            accumulatorLoads = null;
        }
    }

    private void rewrite() {
        // 1. trees inside expressions: an operand produced by exactly one arithmetic op, straight in between
        Map<AbstractInsnNode, AbstractInsnNode> parentOf = new IdentityHashMap<>();
        for (int i = 0; i < insns.length; i++) {
            if (!isArithmetic(insns[i]) || frames[i] == null) {
                continue;
            }
            int arity = arity(insns[i]);
            Frame<SourceValue> f = frames[i];
            for (int k = 0; k < arity; k++) {
                AbstractInsnNode p = single(f.getStack(f.getStackSize() - arity + k));
                Integer pi = p == null ? null : index.get(p);
                if (p != null && isArithmetic(p) && pi < i && straight(pi, i)) {
                    parentOf.put(p, insns[i]);
                }
            }
        }
        List<Op> roots = new ArrayList<>();
        Map<AbstractInsnNode, Op> rootOf = new IdentityHashMap<>(); // root instruction -> its tree
        Map<AbstractInsnNode, Op> leafOwner = new IdentityHashMap<>(); // leaf-producing DLOAD -> the tree reading it
        Map<Op, List<Leaf>> loadLeaves = new IdentityHashMap<>();
        for (int i = 0; i < insns.length; i++) {
            if (isArithmetic(insns[i]) && !parentOf.containsKey(insns[i]) && frames[i] != null) {
                List<Leaf> leaves = new ArrayList<>();
                Op root = build(insns[i], parentOf, leaves);
                roots.add(root);
                rootOf.put(insns[i], root);
                for (Leaf l : leaves) {
                    AbstractInsnNode p = l.producer();
                    if (p != null && p.getOpcode() == Opcodes.DLOAD) {
                        leafOwner.put(p, root);
                    }
                }
                loadLeaves.put(root, leaves);
            }
        }
        // 2. which reads each local write reaches
        Map<AbstractInsnNode, List<AbstractInsnNode>> uses = new IdentityHashMap<>();
        for (int i = 0; i < insns.length; i++) {
            if (insns[i].getOpcode() == Opcodes.DLOAD && frames[i] != null) {
                for (AbstractInsnNode def : frames[i].getLocal(((VarInsnNode) insns[i]).var).insns) {
                    uses.computeIfAbsent(def, d -> new ArrayList<>()).add(insns[i]);
                }
            }
        }
        // 3. fold locals into the one tree that reads them (in order: a folded tree may itself have folds)
        Set<Op> folded = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Op, AbstractInsnNode> foldedStore = new IdentityHashMap<>();
        for (Op root : roots) {
            Map<AbstractInsnNode, Op> chosen = new IdentityHashMap<>(); // DSTORE -> the tree folded in
            for (Leaf l : loadLeaves.get(root)) {
                AbstractInsnNode load = l.producer();
                if (load == null || load.getOpcode() != Opcodes.DLOAD) {
                    continue;
                }
                AbstractInsnNode store = single(frames[index.get(load)].getLocal(((VarInsnNode) load).var));
                Op sub = store == null ? null : chosen.get(store);
                if (sub == null && store != null && !chosen.containsKey(store)) {
                    sub = foldable(store, root, rootOf, leafOwner, uses);
                    if (sub != null) {
                        Object before = l.parent.children[l.operand];
                        l.parent.children[l.operand] = sub;
                        if (leafCount(root) > MAX_LEAVES || ops(root).size() > MAX_OPS) {
                            l.parent.children[l.operand] = before;
                            sub = null;
                        }
                    }
                    chosen.put(store, sub);
                    if (sub != null) {
                        folded.add(sub);
                        foldedStore.put(sub, store);
                    }
                    continue;
                }
                if (sub != null) {
                    l.parent.children[l.operand] = sub; // another read of the same local: the shared sub-DAG
                }
            }
        }
        // 4. plan and rewrite each remaining root
        for (Op root : roots) {
            if (!folded.contains(root)) {
                plan(root, foldedStore, uses);
            }
        }
    }

    /**
     * The owned nodes of loop-carried sums are exact only while nobody but the accumulator local holds them: every
     * other read of an accumulator local (a copy of the sum, an operand elsewhere, a return) gives its node up, and
     * so does method entry. A write of anything else into the local needs nothing: the node check fails by itself.
     */
    private void disownOnOtherReads() {
        if (ownedLocal.isEmpty()) {
            return;
        }
        for (AbstractInsnNode n : method.instructions.toArray()) {
            if (n.getOpcode() == Opcodes.DLOAD && !accumulatorLoads.contains(n)) {
                Integer owned = ownedLocal.get(((VarInsnNode) n).var);
                if (owned != null) {
                    InsnList disown = new InsnList();
                    disown.add(new InsnNode(Opcodes.ICONST_M1));
                    disown.add(new VarInsnNode(Opcodes.ISTORE, owned));
                    method.instructions.insert(n, disown);
                }
            }
        }
        InsnList entry = new InsnList();
        for (int owned : ownedLocal.values()) {
            entry.add(new InsnNode(Opcodes.ICONST_M1));
            entry.add(new VarInsnNode(Opcodes.ISTORE, owned));
        }
        method.instructions.insert(entry);
        method.maxStack += 4; // the owned node and the DUP2 of the sum at the roots, for later analyses
    }

    /**
     * The accumulator leaf when {@code root} is a loop-carried sum: its value is stored straight into a local that is
     * also one of its leaves (read at the root), with a partial of exactly 1 (only {@code + -} between them, as the
     * generated reverse pass derives it symbolically: {@link #constantAdjoint}). Else null.
     */
    private Leaf accumulator(Op root, List<Op> ops, List<Leaf> leaves, Map<Leaf, Const> consts) {
        if (root.opcode() != Opcodes.DADD && root.opcode() != Opcodes.DSUB) {
            return null;
        }
        AbstractInsnNode store = null;
        for (int j = index.get(root.insn) + 1; j < insns.length; j++) {
            if (insns[j] instanceof LabelNode l && targets.contains(l)) {
                return null;
            }
            if (insns[j].getOpcode() >= 0) {
                store = insns[j];
                break;
            }
        }
        if (store == null || store.getOpcode() != Opcodes.DSTORE) {
            return null;
        }
        int var = ((VarInsnNode) store).var;
        for (Leaf l : leaves) {
            if (!consts.containsKey(l) && !l.saved && l.same == null && l.var == var) {
                return constantAdjoint(ops, l) == 1.0 ? l : null;
            }
        }
        return null;
    }

    /**
     * The adjoint of leaf {@code leaf} (with the leaves merged into it) in the reverse pass over {@code ops} when it is
     * a constant, as {@link Adjoints} derives it (the root's 1 through {@code + -} and negation); NaN when it is
     * computed at run time.
     */
    private static double constantAdjoint(List<Op> ops, Leaf leaf) {
        Map<Object, Double> adj = new IdentityHashMap<>();
        adj.put(ops.get(ops.size() - 1), 1.0);
        for (int j = ops.size() - 1; j >= 0; j--) {
            Op op = ops.get(j);
            Double a = adj.get(op);
            if (a == null || a == 0.0) {
                continue;
            }
            for (int c = 0; c < op.children.length; c++) {
                Object child = op.children[c];
                double d = switch (op.call != null ? -1 : op.opcode()) {
                    case Opcodes.DADD -> a;
                    case Opcodes.DSUB -> c == 0 ? a : -a;
                    case Opcodes.DNEG -> -a;
                    default -> Double.NaN;
                };
                Object key = child instanceof Leaf l ? l.representative() : child;
                adj.merge(key, d, Double::sum);
            }
        }
        Double a = adj.get(leaf);
        return a == null ? 0.0 : a;
    }

    /**
     * The tree written by {@code store} if it can be folded into {@code reader}: every read of the local reached by
     * this write is an operand of {@code reader}, reached by no other write, in the same basic block.
     */
    private Op foldable(AbstractInsnNode store, Op reader, Map<AbstractInsnNode, Op> rootOf,
                        Map<AbstractInsnNode, Op> leafOwner, Map<AbstractInsnNode, List<AbstractInsnNode>> uses) {
        if (store.getOpcode() != Opcodes.DSTORE) {
            return null;
        }
        int s = index.get(store);
        if (frames[s] == null) {
            return null;
        }
        Frame<SourceValue> f = frames[s];
        AbstractInsnNode value = single(f.getStack(f.getStackSize() - 1));
        Op sub = value == null ? null : rootOf.get(value);
        if (sub == null || sub == reader || !straight(index.get(value), s) || !straight(s, index.get(reader.insn))) {
            return null;
        }
        for (AbstractInsnNode use : uses.getOrDefault(store, List.of())) {
            if (leafOwner.get(use) != reader || frames[index.get(use)].getLocal(((VarInsnNode) use).var).insns.size() != 1) {
                return null;
            }
        }
        return sub;
    }

    /** Decides, for the DAG under {@code root}, where each leaf is read from; rewrites the method if worth it. */
    private void plan(Op root, Map<Op, AbstractInsnNode> foldedStore,
                      Map<AbstractInsnNode, List<AbstractInsnNode>> uses) {
        List<Op> ops = ops(root);
        List<Leaf> leaves = leaves(ops);
        int r = index.get(root.insn);
        List<Leaf> distinct = new ArrayList<>();
        Map<Leaf, Const> consts = new IdentityHashMap<>();
        Map<Leaf, List<AbstractInsnNode>> removed = new IdentityHashMap<>(); // instructions no longer needed
        Map<Object, Leaf> byKey = new HashMap<>();
        Set<AbstractInsnNode> foldedHere = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Op op : ops) {
            AbstractInsnNode store = foldedStore.get(op);
            if (store != null) {
                foldedHere.add(store);
            }
        }
        for (Leaf l : leaves) {
            AbstractInsnNode p = l.producer();
            int consumer = index.get(l.parent.insn);
            if (p != null && !shuffled(index.get(p), consumer)) {
                Const c = constant(p);
                if (c != null) {
                    consts.put(l, c);
                    removed.put(l, List.of(p));
                    continue;
                }
                if (p.getOpcode() == Opcodes.DLOAD && reloadable((VarInsnNode) p, r, foldedHere)) {
                    Object key = List.of("local", ((VarInsnNode) p).var, localDefs(p, ((VarInsnNode) p).var));
                    l.var = ((VarInsnNode) p).var;
                    removed.put(l, List.of(p));
                    Leaf first = byKey.putIfAbsent(key, l);
                    if (first != null) {
                        l.same = first;
                    } else {
                        distinct.add(l);
                    }
                    continue;
                }
                if (p.getOpcode() == Opcodes.DALOAD) {
                    List<AbstractInsnNode> address = addressOf(index.get(p));
                    Leaf first = address == null ? null : byKey.get(addressKey(address));
                    if (first != null && sameElement(first.producer(), p)) {
                        l.same = first;
                        removed.put(l, address);
                        continue;
                    }
                    if (address != null) { // later reads of this element may reuse this one
                        byKey.put(addressKey(address), l);
                    }
                }
            }
            l.saved = true;
            distinct.add(l);
        }
        boolean merged = distinct.size() + consts.size() < leaves.size();
        Leaf acc = accumulator(root, ops, leaves, consts);
        if (ops.size() < 2 && !merged && acc == null) {
            return; // a single operation gains nothing, unless it extends a sum (s += x[i])
        }
        if (distinct.size() > MAX_LEAVES || ops.size() > MAX_OPS) {
            return; // very wide trees stay as they are
        }
        // the plan is final: rewrite
        for (Map.Entry<Leaf, Const> e : consts.entrySet()) {
            e.getKey().parent.children[e.getKey().operand] = e.getValue();
        }
        for (List<AbstractInsnNode> gone : removed.values()) {
            for (AbstractInsnNode n : gone) {
                method.instructions.remove(n);
            }
        }
        for (int i = 0; i < distinct.size(); i++) {
            Leaf l = distinct.get(i);
            l.index = i;
            if (l.saved) {
                l.var = method.maxLocals;
                method.maxLocals += 2;
            }
        }
        String name = "pre$" + (counter++);
        for (Op op : ops) {
            InsnList replacement = new InsnList();
            for (int k = op.children.length - 1; k >= 0; k--) { // the saved leaves are on top, last operand first
                if (op.children[k] instanceof Leaf l && l.saved) {
                    replacement.add(new VarInsnNode(Opcodes.DSTORE, l.var));
                }
            }
            if (op == root) {
                for (Leaf l : distinct) {
                    VarInsnNode load = new VarInsnNode(Opcodes.DLOAD, l.var);
                    if (l == acc) {
                        accumulatorLoads.add(load);
                    }
                    replacement.add(load);
                }
                if (acc == null) {
                    replacement.add(new MethodInsnNode(Opcodes.INVOKESTATIC, MARKER, name,
                            "(" + "D".repeat(distinct.size()) + ")D", false));
                } else { // pre$N(leaves..., owned) then owned = Tape.owner(sum), the sum left for its store
                    int owned = ownedLocal.computeIfAbsent(acc.var, v -> method.maxLocals++);
                    replacement.add(new VarInsnNode(Opcodes.ILOAD, owned));
                    replacement.add(new MethodInsnNode(Opcodes.INVOKESTATIC, MARKER, name,
                            "(" + "D".repeat(distinct.size()) + "I)D", false));
                    replacement.add(new InsnNode(Opcodes.DUP2));
                    replacement.add(new MethodInsnNode(Opcodes.INVOKESTATIC, MARKER, OWNER, "(D)I", false));
                    replacement.add(new VarInsnNode(Opcodes.ISTORE, owned));
                }
            }
            AbstractInsnNode store = foldedStore.get(op);
            if (store != null) { // a folded local: neither written nor read any more, the sub-DAG takes its place
                method.instructions.remove(store);
                for (AbstractInsnNode read : uses.get(store)) {
                    method.instructions.remove(read);
                }
            }
            if (replacement.size() == 0) {
                method.instructions.remove(op.insn);
            } else {
                method.instructions.insertBefore(op.insn, replacement);
                method.instructions.remove(op.insn);
            }
        }
        Tree tree = new Tree(name, root, distinct.size(), acc == null ? -1 : acc.index);
        trees.add(tree);
        byName.put(name, tree);
    }

    private Op build(AbstractInsnNode insn, Map<AbstractInsnNode, AbstractInsnNode> parentOf, List<Leaf> leaves) {
        int i = index.get(insn);
        int arity = arity(insn);
        Frame<SourceValue> f = frames[i];
        Object[] children = new Object[arity];
        Op op = new Op(insn, children);
        for (int k = 0; k < arity; k++) {
            SourceValue v = f.getStack(f.getStackSize() - arity + k);
            AbstractInsnNode p = single(v);
            if (p != null && parentOf.get(p) == insn) {
                children[k] = build(p, parentOf, leaves);
            } else {
                Leaf l = new Leaf(v, op, k);
                children[k] = l;
                leaves.add(l);
            }
        }
        return op;
    }

    /** The operations of the DAG under {@code root}, each once, operands before their users. */
    private static List<Op> ops(Op root) {
        List<Op> out = new ArrayList<>();
        postorder(root, out, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void postorder(Op op, List<Op> out, Set<Op> seen) {
        if (!seen.add(op)) {
            return;
        }
        for (Object c : op.children) {
            if (c instanceof Op child) {
                postorder(child, out, seen);
            }
        }
        out.add(op);
    }

    private static List<Leaf> leaves(List<Op> ops) {
        List<Leaf> out = new ArrayList<>();
        for (Op op : ops) {
            for (Object c : op.children) {
                if (c instanceof Leaf l) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    /** Leaves of the DAG under {@code root} before any merging (an upper bound of the parameters). */
    private static int leafCount(Op root) {
        return leaves(ops(root)).size();
    }

    private static AbstractInsnNode single(SourceValue v) {
        return v != null && v.insns.size() == 1 ? v.insns.iterator().next() : null;
    }

    private static Const constant(AbstractInsnNode p) {
        return switch (p.getOpcode()) {
            case Opcodes.DCONST_0 -> new Const(0.0);
            case Opcodes.DCONST_1 -> new Const(1.0);
            case Opcodes.LDC -> ((LdcInsnNode) p).cst instanceof Double d ? new Const(d) : null;
            default -> null;
        };
    }

    /** The writes of local {@code var} that reach instruction {@code at}. */
    private Set<AbstractInsnNode> localDefs(AbstractInsnNode at, int var) {
        return frames[index.get(at)].getLocal(var).insns;
    }

    /**
     * A read of a local that can be repeated at the root instruction {@code root}: the same writes reach both
     * places and none of them happens in between, once the stores folded into this tree ({@code folded}) are gone.
     * Those are looked through: in {@code s += a; s += b;} the first store of {@code s} is folded into the second
     * statement, so {@code s} read by the first can be read again at the root, and the block is one accumulation.
     */
    private boolean reloadable(VarInsnNode load, int root, Set<AbstractInsnNode> folded) {
        int from = index.get(load);
        if (frames[root] == null) {
            return false;
        }
        Set<AbstractInsnNode> defs = frames[root].getLocal(load.var).insns;
        for (int hops = 0; defs.size() == 1 && folded.contains(defs.iterator().next()) && hops < MAX_OPS; hops++) {
            defs = localDefs(defs.iterator().next(), load.var); // the writes reaching the folded store, kept after it
        }
        if (!defs.equals(localDefs(load, load.var))) {
            return false;
        }
        for (int i = from + 1; i < root; i++) {
            if (insns[i] instanceof VarInsnNode v && v.var == load.var && v.getOpcode() >= Opcodes.ISTORE
                    && v.getOpcode() <= Opcodes.ASTORE && !folded.contains(v)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a DUP, SWAP or POP lies strictly between {@code from} and {@code to}: then operands are not moved. */
    private boolean shuffled(int from, int to) {
        for (int i = from + 1; i < to; i++) {
            int op = insns[i].getOpcode();
            if (op >= Opcodes.POP && op <= Opcodes.SWAP) {
                return true;
            }
        }
        return false;
    }

    /**
     * The instructions {@code aload a; <int expression of locals and constants>; daload} ending at {@code at},
     * contiguous and free of side effects, or null.
     */
    private List<AbstractInsnNode> addressOf(int at) {
        int need = 1;
        int j = at - 1;
        for (; j >= 0 && need > 0; j--) {
            AbstractInsnNode n = insns[j];
            int op = n.getOpcode();
            if (op == Opcodes.ILOAD || (op >= Opcodes.ICONST_M1 && op <= Opcodes.ICONST_5) || op == Opcodes.BIPUSH
                    || op == Opcodes.SIPUSH || (op == Opcodes.LDC && ((LdcInsnNode) n).cst instanceof Integer)) {
                need--;
            } else if (op == Opcodes.IADD || op == Opcodes.ISUB || op == Opcodes.IMUL || op == Opcodes.ISHL) {
                need++;
            } else {
                return null;
            }
        }
        if (need != 0 || j < 0 || insns[j].getOpcode() != Opcodes.ALOAD || frames[j] == null) {
            return null;
        }
        return List.of(insns).subList(j, at + 1);
    }

    /** What identifies the element an address reads: each instruction, and for local reads their reaching writes. */
    private Object addressKey(List<AbstractInsnNode> address) {
        List<Object> key = new ArrayList<>();
        for (AbstractInsnNode n : address) {
            key.add(n.getOpcode());
            if (n instanceof VarInsnNode v) {
                key.add(v.var);
                key.add(localDefs(n, v.var));
            } else if (n instanceof IntInsnNode v) {
                key.add(v.operand);
            } else if (n instanceof LdcInsnNode v) {
                key.add(v.cst);
            }
        }
        return key;
    }

    /** Two reads of the same element address: also nothing in between may store into an array. */
    private boolean sameElement(AbstractInsnNode first, AbstractInsnNode later) {
        int a = index.get(first), b = index.get(later);
        if (a >= b || !straight(a, b)) {
            return false;
        }
        for (int i = a + 1; i < b; i++) {
            AbstractInsnNode n = insns[i];
            int op = n.getOpcode();
            if (op == Opcodes.DASTORE || op == Opcodes.MONITORENTER || op == Opcodes.MONITOREXIT
                    || n instanceof org.objectweb.asm.tree.InvokeDynamicInsnNode
                    || (n instanceof MethodInsnNode m && !isArithmetic(m))) {
                return false;
            }
        }
        return true;
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

    /**
     * Math functions whose derivative the generated code computes inline, by the same formulas as core's rule table
     * (Primitives): {@link #functionSlope}.
     */
    private static final Set<String> FUNCTIONS = Set.of("exp", "log", "sqrt", "sin", "cos", "tan", "atan", "sinh", "cosh",
            "tanh", "expm1", "log1p");

    private static int arity(AbstractInsnNode insn) {
        return insn.getOpcode() == Opcodes.DNEG || insn instanceof MethodInsnNode ? 1 : 2;
    }

    /** No jump, switch, return, throw or jump target strictly between {@code from} and {@code to}. */
    private boolean straight(int from, int to) {
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

    /** The accumulating block generated as {@code name} (a loop-carried sum), or null. */
    Tree accumulating(String name) {
        Tree t = byName.get(name);
        return t != null && t.accumulator() >= 0 ? t : null;
    }

    /** The trees by generated method name. */
    private final Map<String, Tree> byName = new HashMap<>();

    /** Adds the generated methods to the companion class. */
    void emit(ClassVisitor cv, String companion) {
        for (Tree tree : trees) {
            emit(cv, tree, companion);
        }
    }

    /** The descriptor of a generated method with {@code leaves} leaf slots. */
    static String descriptor(int leaves) {
        return "(" + "J".repeat(leaves) + TAPE_DESC + ")J";
    }

    /** The descriptor of the generated method a root marker of descriptor {@code markerDesc} calls. */
    static String descriptor(String markerDesc) {
        return markerDesc.substring(0, markerDesc.indexOf(')')).replace('D', 'J') + TAPE_DESC + ")J";
    }

    /** The descriptor of an accumulating generated method: the leaf slots, the accumulator's owned node, the tape. */
    private static String accumulatingDescriptor(int leaves) {
        return "(" + "J".repeat(leaves) + "I" + TAPE_DESC + ")J";
    }

    private void emit(ClassVisitor cv, Tree tree, String companion) {
        emit(cv, tree, companion, false);
        if (tree.accumulator >= 0) {
            emit(cv, tree, companion, true);
        }
        // pre$N$2: the same operations one by one through Ops, which record second derivatives
        int k = tree.leaves;
        MethodVisitor h = cv.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                tree.name + "$2", descriptor(k), null, null);
        h.visitCode();
        replay(h, ops(tree.root), 2 * k, 2 * k + 1); // pre$N$2 takes no owned node
        h.visitInsn(Opcodes.LRETURN);
        h.visitMaxs(0, 0);
        h.visitEnd();
    }

    /** The name of the run variant of accumulating block {@code name} ({@link AccumulationRuns}). */
    static String runName(String name) {
        return name + "$run";
    }

    /**
     * The descriptor of a block's run variant: the leaf slots (the accumulator's ignored), the running sum, the
     * cursor, the tape; it returns the next cursor and leaves the new sum in {@link io.adjoint.internal.Tape#runValue()}.
     */
    static String runDescriptor(int leaves) {
        return "(" + "J".repeat(leaves) + "DI" + TAPE_DESC + ")I";
    }

    /**
     * {@code pre$N}, or with {@code run} its run variant {@code pre$N$run}: the same value and partials, the
     * accumulator's value taken from the running sum instead of its slot, the other arguments written at the cursor
     * ({@code Tape.runArg}), no node ended: {@link AccumulationRuns} keeps the node open in the twin's locals.
     */
    private void emit(ClassVisitor cv, Tree tree, String companion, boolean run) {
        int k = tree.leaves;
        int acc = tree.accumulator;
        MethodVisitor mv = cv.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                run ? runName(tree.name) : tree.name,
                run ? runDescriptor(k) : acc < 0 ? descriptor(k) : accumulatingDescriptor(k), null, null);
        mv.visitCode();
        int owned = 2 * k; // an accumulating method's int parameter
        int runSum = 2 * k, cursor = 2 * k + 2; // the run variant's parameters
        int tape = run ? 2 * k + 3 : acc < 0 ? 2 * k : 2 * k + 1;
        int next = tape + 1;
        if (!run) {
            // the second-order path (Hessians): a method of its own, so that this one stays small enough to inline
            Label firstOrder = new Label();
            mv.visitVarInsn(Opcodes.ALOAD, tape);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, TAPE, "isSecondOrder", "()Z", false);
            mv.visitJumpInsn(Opcodes.IFEQ, firstOrder);
            for (int i = 0; i < k; i++) {
                mv.visitVarInsn(Opcodes.LLOAD, 2 * i);
            }
            mv.visitVarInsn(Opcodes.ALOAD, tape);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, companion, tree.name + "$2", descriptor(k), false);
            mv.visitInsn(Opcodes.LRETURN);
            mv.visitLabel(firstOrder);
        }
        // leaf values
        int[] leafValue = new int[k];
        for (int i = 0; i < k; i++) {
            if (run && i == acc) {
                leafValue[i] = runSum;
                continue;
            }
            leafValue[i] = next;
            next += 2;
            mv.visitVarInsn(Opcodes.LLOAD, 2 * i);
            mv.visitVarInsn(Opcodes.ALOAD, tape);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, TAPE, "val", "(J" + TAPE_DESC + ")D", false);
            mv.visitVarInsn(Opcodes.DSTORE, leafValue[i]);
        }
        // forward: values of the operations, in evaluation order
        List<Op> order = ops(tree.root);
        Map<Op, Integer> opValue = new IdentityHashMap<>();
        for (Op op : order) {
            for (Object c : op.children) {
                loadValue(mv, c, leafValue, opValue);
            }
            if (op.call != null) { // the same function of the same class: bit-identical values
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, op.call.owner, op.call.name, op.call.desc, false);
            } else {
                mv.visitInsn(op.opcode());
            }
            opValue.put(op, next);
            mv.visitVarInsn(Opcodes.DSTORE, next);
            next += 2;
        }
        int rootValue = opValue.get(tree.root);
        if (!run) { // all leaves passive: a passive result, nothing recorded (a run's node exists already)
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
        }
        // reverse over the DAG: the adjoints of operations and leaves
        Adjoints adj = new Adjoints(mv, next);
        adj.constant(tree.root, 1.0);
        for (int j = order.size() - 1; j >= 0; j--) {
            Op op = order.get(j);
            Object a = adj.of(op);
            if (a == null) {
                continue; // adjoint 0: passes nothing on (no 0 * inf), as in the reverse sweep
            }
            Object l = op.children[0];
            Object r = op.children.length > 1 ? op.children[1] : null;
            int opc = op.opcode();
            // an adjoint computed at run time may be zero: then a multiplying operation passes nothing on (a partial
            // may be infinite); + - and negation pass on +-adjoint, and a constant adjoint is known not to be zero
            Label skip = null;
            if (a instanceof Integer local && (op.call != null || opc == Opcodes.DMUL || opc == Opcodes.DDIV)) {
                adj.materialize(l);
                if (r != null) {
                    adj.materialize(r);
                }
                skip = new Label();
                mv.visitVarInsn(Opcodes.DLOAD, local);
                mv.visitInsn(Opcodes.DCONST_0);
                mv.visitInsn(Opcodes.DCMPL);
                mv.visitJumpInsn(Opcodes.IFEQ, skip);
            }
            if (op.call != null && op.call.name.equals("log")) { // a / x: no 1 / x to multiply by a
                adj.add(l, () -> {
                    adj.push(a);
                    loadValue(mv, l, leafValue, opValue);
                    mv.visitInsn(Opcodes.DDIV);
                });
            } else if (op.call != null) {
                adj.add(l, () -> adj.times(a, () -> functionSlope(mv, op, l, leafValue, opValue)));
            } else {
                switch (opc) {
                    case Opcodes.DADD -> {
                        adj.pass(l, a, false);
                        adj.pass(r, a, false);
                    }
                    case Opcodes.DSUB -> {
                        adj.pass(l, a, false);
                        adj.pass(r, a, true);
                    }
                    case Opcodes.DNEG -> adj.pass(l, a, true);
                    case Opcodes.DMUL -> {
                        adj.add(l, () -> adj.times(a, () -> loadValue(mv, r, leafValue, opValue)));
                        adj.add(r, () -> adj.times(a, () -> loadValue(mv, l, leafValue, opValue)));
                    }
                    case Opcodes.DDIV -> divide(mv, adj, a, l, r, opValue.get(op), leafValue, opValue);
                    default -> throw new IllegalStateException("opcode " + opc);
                }
            }
            if (skip != null) {
                mv.visitLabel(skip);
            }
        }
        // record: t.begin(k); t.arg(leaf_i, adj_i)...; return t.end(value)
        // a loop-carried sum whose accumulator's partial is exactly 1 (as planned): its argument is left out, and
        // t.endAccumulate(value, acc, owned) merges the node into the accumulator's when it may, else adds it
        boolean accumulates = acc >= 0 && adj.ofLeaf(acc) instanceof Double one && one == 1.0;
        if (run) {
            if (!accumulates) { // planned only with a partial of exactly 1 (constantAdjoint): never here
                throw new IllegalStateException(tree.name + ": the accumulator's partial is not 1");
            }
            // cursor = t.runArg(cursor, leaf_i, adj_i) for each other leaf; t.runValue(value); return cursor
            for (int i = 0; i < k; i++) {
                if (i == acc) {
                    continue;
                }
                mv.visitVarInsn(Opcodes.ALOAD, tape);
                mv.visitVarInsn(Opcodes.ILOAD, cursor);
                mv.visitVarInsn(Opcodes.LLOAD, 2 * i);
                adj.push(adj.ofLeaf(i));
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, TAPE, "runArg", "(IJD)I", false);
                mv.visitVarInsn(Opcodes.ISTORE, cursor);
            }
            mv.visitVarInsn(Opcodes.ALOAD, tape);
            mv.visitVarInsn(Opcodes.DLOAD, rootValue);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, TAPE, "runValue", "(D)V", false);
            mv.visitVarInsn(Opcodes.ILOAD, cursor);
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            return;
        }
        mv.visitVarInsn(Opcodes.ALOAD, tape);
        pushInt(mv, k);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, TAPE, "begin", "(I)V", false);
        for (int i = 0; i < k; i++) {
            if (accumulates && i == acc) {
                continue;
            }
            mv.visitVarInsn(Opcodes.ALOAD, tape);
            mv.visitVarInsn(Opcodes.LLOAD, 2 * i);
            adj.push(adj.ofLeaf(i));
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, TAPE, "arg", "(JD)V", false);
        }
        mv.visitVarInsn(Opcodes.ALOAD, tape);
        mv.visitVarInsn(Opcodes.DLOAD, rootValue);
        if (accumulates) {
            mv.visitVarInsn(Opcodes.LLOAD, 2 * acc);
            mv.visitVarInsn(Opcodes.ILOAD, owned);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, TAPE, "endAccumulate", "(DJI)J", false);
        } else {
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, TAPE, "end", "(D)J", false);
        }
        mv.visitInsn(Opcodes.LRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * The adjoints q = l / r passes on with adjoint {@code a} (q's value in local {@code q}): dq/dl = 1 / r and
     * dq/dr = -q / r, with as few divisions as rounding allows. Both operands variables: t = a / r once, l gets t and
     * r gets -t * q. A constant numerator c: dq/dr = -q * q / c, multiplications only when c is a power of two
     * (dividing by it is exact as multiplying by 1 / c); so is dividing by a constant power of two. The partials
     * differ from -a * q / r only by rounding (for a subnormal r, a / r overflows: then dq/dl is infinite too).
     */
    private static void divide(MethodVisitor mv, Adjoints adj, Object a, Object l, Object r, int q, int[] leafValue,
                               Map<Op, Integer> opValue) {
        if (!(l instanceof Const) && !(r instanceof Const)) {
            int t = adj.addKept(l, () -> {
                adj.push(a);
                loadValue(mv, r, leafValue, opValue);
                mv.visitInsn(Opcodes.DDIV);
            });
            adj.add(r, () -> {
                mv.visitVarInsn(Opcodes.DLOAD, t);
                mv.visitVarInsn(Opcodes.DLOAD, q);
                mv.visitInsn(Opcodes.DMUL);
                mv.visitInsn(Opcodes.DNEG);
            });
        } else if (l instanceof Const c && !(r instanceof Const)) {
            if (powerOfTwo(c.value())) { // a * ((q * (-1 / c)) * q): q * (1 / c) is about 1 / r, no needless overflow
                adj.add(r, () -> adj.times(a, () -> {
                    mv.visitVarInsn(Opcodes.DLOAD, q);
                    adj.times(-1.0 / c.value(), () -> mv.visitVarInsn(Opcodes.DLOAD, q));
                    mv.visitInsn(Opcodes.DMUL);
                }));
            } else {
                adj.add(r, () -> {
                    adj.times(a, () -> mv.visitVarInsn(Opcodes.DLOAD, q));
                    loadValue(mv, r, leafValue, opValue);
                    mv.visitInsn(Opcodes.DDIV);
                    mv.visitInsn(Opcodes.DNEG);
                });
            }
        } else if (r instanceof Const c && !(l instanceof Const)) {
            if (powerOfTwo(c.value())) {
                adj.add(l, () -> adj.times(a, () -> mv.visitLdcInsn(1.0 / c.value())));
            } else {
                adj.add(l, () -> {
                    adj.push(a);
                    mv.visitLdcInsn(c.value());
                    mv.visitInsn(Opcodes.DDIV);
                });
            }
        }
    }

    /** A normal power of two (of either sign): its reciprocal is exact, so dividing by it is multiplying by that. */
    static boolean powerOfTwo(double c) {
        int e = Math.getExponent(c);
        return e >= Double.MIN_EXPONENT && e <= Double.MAX_EXPONENT
                && (Double.doubleToRawLongBits(c) & 0x000F_FFFF_FFFF_FFFFL) == 0;
    }

    /**
     * Pushes f'(x) for a Math function op with argument {@code x} (the conventions of the rule table); log's 1 / x is
     * not here: its adjoint is divided by x directly.
     */
    private static void functionSlope(MethodVisitor mv, Op op, Object x, int[] leafValue, Map<Op, Integer> opValue) {
        switch (op.call.name) {
            case "exp" -> mv.visitVarInsn(Opcodes.DLOAD, opValue.get(op)); // y
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
            case "tan" -> { // 1 + y^2
                mv.visitInsn(Opcodes.DCONST_1);
                mv.visitVarInsn(Opcodes.DLOAD, opValue.get(op));
                mv.visitVarInsn(Opcodes.DLOAD, opValue.get(op));
                mv.visitInsn(Opcodes.DMUL);
                mv.visitInsn(Opcodes.DADD);
            }
            case "atan" -> { // 1 / (1 + x^2)
                mv.visitInsn(Opcodes.DCONST_1);
                mv.visitInsn(Opcodes.DCONST_1);
                loadValue(mv, x, leafValue, opValue);
                loadValue(mv, x, leafValue, opValue);
                mv.visitInsn(Opcodes.DMUL);
                mv.visitInsn(Opcodes.DADD);
                mv.visitInsn(Opcodes.DDIV);
            }
            case "log1p" -> { // 1 / (1 + x)
                mv.visitInsn(Opcodes.DCONST_1);
                mv.visitInsn(Opcodes.DCONST_1);
                loadValue(mv, x, leafValue, opValue);
                mv.visitInsn(Opcodes.DADD);
                mv.visitInsn(Opcodes.DDIV);
            }
            case "sinh", "cosh", "expm1", "tanh" -> { // cosh x, sinh x, exp x (not y + 1), sech^2 x (not 1 - y^2)
                loadValue(mv, x, leafValue, opValue);
                switch (op.call.name) {
                    case "sinh" -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", "cosh", "(D)D", false);
                    case "cosh" -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", "sinh", "(D)D", false);
                    case "expm1" -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", "exp", "(D)D", false);
                    default -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, "io/adjoint/internal/Primitives", "sech2",
                            "(D)D", false);
                }
            }
            default -> throw new IllegalStateException(op.call.name);
        }
    }

    private static void loadValue(MethodVisitor mv, Object node, int[] leafValue, Map<Op, Integer> opValue) {
        if (node instanceof Const c) {
            mv.visitLdcInsn(c.value());
        } else {
            mv.visitVarInsn(Opcodes.DLOAD, node instanceof Op op ? opValue.get(op) : leafValue[leafIndex(node)]);
        }
    }

    private static int leafIndex(Object leaf) {
        return ((Leaf) leaf).representative().index;
    }

    /**
     * The adjoints of a DAG's operations and leaves while its reverse pass is generated, each known symbolically:
     * absent (zero so far), a constant (the root's 1, passed on unchanged through + - and negation), or held in a
     * local. Constants fold away multiplications by 1 and the zero tests they would need, and no adjoint is set to 0
     * first: the method stays small (the JIT inlines a hot callee only up to 325 bytes of bytecode) and does less.
     * Keys: an {@link Op}, or a leaf's parameter index (an Integer).
     */
    private static final class Adjoints {
        private final MethodVisitor mv;
        private int next;
        /** Double (a constant) or Integer (the local holding it); absent: zero. */
        private final Map<Object, Object> state = new java.util.HashMap<>();

        Adjoints(MethodVisitor mv, int firstLocal) {
            this.mv = mv;
            this.next = firstLocal;
        }

        private static Object key(Object node) {
            return node instanceof Op ? new Identity(node) : (Object) leafIndex(node);
        }

        private record Identity(Object op) {
            @Override
            public boolean equals(Object o) {
                return o instanceof Identity i && i.op == op;
            }

            @Override
            public int hashCode() {
                return System.identityHashCode(op);
            }
        }

        void constant(Object node, double c) {
            state.put(key(node), c);
        }

        /** The adjoint of {@code op}: null when zero, a Double constant, or the Integer local holding it. */
        Object of(Op op) {
            Object a = state.get(key(op));
            return a instanceof Double c && c == 0.0 ? null : a;
        }

        Object ofLeaf(int index) {
            return state.get(index);
        }

        /** Pushes the value of adjoint {@code a} (as returned by {@link #of}; null is 0). */
        void push(Object a) {
            if (a == null) {
                mv.visitInsn(Opcodes.DCONST_0);
            } else if (a instanceof Integer local) {
                mv.visitVarInsn(Opcodes.DLOAD, local);
            } else {
                mv.visitLdcInsn(a);
            }
        }

        /** Pushes {@code a * term}: just the term when {@code a} is the constant 1. */
        void times(Object a, Runnable term) {
            if (a instanceof Double c && (c == 1.0 || c == -1.0)) {
                term.run();
                if (c == -1.0) {
                    mv.visitInsn(Opcodes.DNEG);
                }
                return;
            }
            push(a);
            term.run();
            mv.visitInsn(Opcodes.DMUL);
        }

        /** adj[node] += (negated when {@code negate}) {@code a}: constants stay constants, no code. */
        void pass(Object node, Object a, boolean negate) {
            if (node instanceof Const) {
                return;
            }
            if (a instanceof Double c) {
                double v = negate ? -c : c;
                Object k = key(node);
                Object old = state.get(k);
                if (old == null || old instanceof Double) {
                    state.put(k, old == null ? v : (Double) old + v);
                    return;
                }
            }
            add(node, () -> {
                push(a);
                if (negate) {
                    mv.visitInsn(Opcodes.DNEG);
                }
            });
        }

        /** adj[node] += (the value {@code contribution} pushes); constants have no adjoint. */
        void add(Object node, Runnable contribution) {
            if (node instanceof Const) {
                return;
            }
            Object k = key(node);
            Object old = state.get(k);
            contribution.run();
            if (old != null) {
                push(old);
                mv.visitInsn(Opcodes.DADD);
            }
            int local = old instanceof Integer v ? v : newLocal();
            mv.visitVarInsn(Opcodes.DSTORE, local);
            state.put(k, local);
        }

        /**
         * adj[node] += (the value {@code contribution} pushes), for a node that is not a constant; returns a local that
         * holds the contribution until the next change of node's adjoint (node's own when it had none).
         */
        int addKept(Object node, Runnable contribution) {
            Object k = key(node);
            Object old = state.get(k);
            contribution.run();
            if (old == null) {
                int local = newLocal();
                mv.visitVarInsn(Opcodes.DSTORE, local);
                state.put(k, local);
                return local;
            }
            int kept = newLocal();
            mv.visitInsn(Opcodes.DUP2);
            mv.visitVarInsn(Opcodes.DSTORE, kept);
            push(old);
            mv.visitInsn(Opcodes.DADD);
            int local = old instanceof Integer v ? v : newLocal();
            mv.visitVarInsn(Opcodes.DSTORE, local);
            state.put(k, local);
            return kept;
        }

        /** Before a conditional part: the adjoint of {@code node} is made a local (0 or its constant). */
        void materialize(Object node) {
            if (node == null || node instanceof Const) {
                return;
            }
            Object k = key(node);
            Object old = state.get(k);
            if (!(old instanceof Integer)) {
                push(old);
                int local = newLocal();
                mv.visitVarInsn(Opcodes.DSTORE, local);
                state.put(k, local);
            }
        }

        private int newLocal() {
            int v = next;
            next += 2;
            return v;
        }
    }

    /**
     * The operations one by one through Ops, on slots: exactly what the twin would have done. Each operation's slot
     * is kept in a local from {@code firstLocal} on (a shared sub-expression is recorded once).
     */
    private static void replay(MethodVisitor mv, List<Op> order, int tape, int firstLocal) {
        Map<Op, Integer> slotOf = new IdentityHashMap<>();
        int next = firstLocal;
        for (Op op : order) {
            for (Object c : op.children) {
                if (c instanceof Op child) {
                    mv.visitVarInsn(Opcodes.LLOAD, slotOf.get(child));
                } else if (c instanceof Const k) {
                    mv.visitLdcInsn(io.adjoint.internal.Slot.passive(k.value()));
                } else {
                    mv.visitVarInsn(Opcodes.LLOAD, 2 * leafIndex(c));
                }
            }
            mv.visitVarInsn(Opcodes.ALOAD, tape);
            if (op.call != null) {
                mv.visitLdcInsn(op.call.owner);
                mv.visitLdcInsn(op.call.name);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "unaryRule",
                        "(J" + TAPE_DESC + "Ljava/lang/String;Ljava/lang/String;)J", false);
            } else {
                String[] call = TwinOpcodes.computing(op.opcode());
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, call[0], call[1], call[2], false);
            }
            slotOf.put(op, next);
            mv.visitVarInsn(Opcodes.LSTORE, next);
            next += 2;
        }
        mv.visitVarInsn(Opcodes.LLOAD, slotOf.get(order.get(order.size() - 1)));
    }

    private static void pushInt(MethodVisitor mv, int i) {
        if (i <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + i);
        } else {
            mv.visitIntInsn(Opcodes.BIPUSH, i);
        }
    }
}
