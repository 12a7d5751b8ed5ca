package io.adjoint.agent.twin;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
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
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Array elements as loop-carried sums: {@code a[i] += e} (or {@code -=}, or {@code a[i] = a[i] + e}) in a loop that
 * leaves {@code a} and {@code i} alone is rewritten, in the code the twin is made from (never the application's own
 * method), to sum in a local, {@code acc += e}, and store the element when the loop is left. {@link Preaccumulation}
 * and {@link AccumulationRuns} then make the loop one open node, as for {@code s += e}: a matrix-vector product written
 * {@code y[i] += A[i * n + k] * x[k]} records two arguments per step instead of a node of three, an element read and an
 * element write.
 *
 * <p><b>Why it is exact.</b> The primal arithmetic is the same (the same additions in the same order). The element in
 * memory is stale only while the loop runs, and nothing can read it then: the loop may call nothing but
 * {@code Math}/{@code StrictMath} and javac's {@code Objects.requireNonNull} (a callee could read the element), may not
 * touch other classes' static fields (their initialisation runs code) nor store into reference arrays, and {@code a}
 * and every other {@code double[]} whose elements it reads or writes must be an {@link ArrayRef}: a local the loop does
 * not assign, a field of such a local's object or a static field of this class that the loop does not assign, or a row
 * {@code m[r]} of a {@code double[][]} local by an index the loop does not assign (or, read in the term, by an index
 * that changes every step: that row is compared in every step). The first time the site runs in each entry of the loop
 * it evaluates {@code a} and compares it with each of those arrays (where the object or row exists): if one is
 * {@code a} itself, the site keeps its original code for the rest of that entry (mode 2). Otherwise (mode 1) it loads
 * the element into the sum; the element is stored back on every way out of the loop: each jump out, falling out of its
 * end, each return, and a handler that stores it and rethrows, ahead of every handler around the loop. The loop must be
 * entered only through its header and may not overlap a try block partly.
 */
final class ElementAccumulators {
    private ElementAccumulators() {
    }

    /** Off with -Dadjoint.elementRuns=false (to compare, or to rule it out). */
    static final boolean ENABLED = !"false".equals(System.getProperty("adjoint.elementRuns"));
    /** Sites rewritten per method at most (each adds ~30 instructions and a copy of its term). */
    private static final int MAX_SITES = 8;
    /**
     * Methods with more instructions than this are left alone: their twins are near the JIT's 8,000-byte limit for
     * compiling a method at all, which the copies of the terms could cross (as ShadowCaches.MAX_INSNS).
     */
    private static final int MAX_INSNS = ShadowCaches.MAX_INSNS;
    private static final Set<String> PURE_OWNERS = Set.of("java/lang/Math", "java/lang/StrictMath");
    /** javac's null check (of an outer instance, a method reference's receiver): reads nothing. */
    private static final String REQUIRE_NON_NULL =
            "java/util/Objects.requireNonNull(Ljava/lang/Object;)Ljava/lang/Object;";

    /**
     * Rewrites the qualifying sites of {@code m} (of class {@code owner}). Works on a copy, which replaces {@code m}'s
     * code only if some site was rewritten and the result passes ASM's bytecode verifier: {@code m} stays as it was
     * on any failure.
     */
    static void rewrite(String owner, MethodNode m) {
        if (!ENABLED || m.instructions.size() == 0 || m.instructions.size() > MAX_INSNS) {
            return;
        }
        boolean stores = false;
        for (AbstractInsnNode n : m.instructions) {
            stores |= n.getOpcode() == Opcodes.DASTORE;
        }
        if (!stores) {
            return;
        }
        MethodNode work = Inlining.copy(m);
        Set<AbstractInsnNode> tried = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        boolean changed = false;
        try {
            for (int round = 0; round < MAX_SITES && rewriteOne(owner, work, tried); round++) {
                changed = true;
            }
            if (!changed) {
                return;
            }
            new Analyzer<>(new org.objectweb.asm.tree.analysis.BasicVerifier()).analyze(owner, work);
        } catch (AnalyzerException | RuntimeException e) {
            return; // the method keeps its code: its sites stay element reads and writes
        }
        Inlining.adopt(m, work);
    }

    /**
     * A site: {@code start..store} is {@code <array> <index> (DUP2 | <array> <index>) DALOAD <term> (DADD | DSUB)
     * DASTORE}, the array as {@link ArrayRef} says, the index computed by int arithmetic from locals and constants.
     */
    private record Site(AbstractInsnNode start, AbstractInsnNode load, AbstractInsnNode add, AbstractInsnNode store,
                        ArrayRef array, List<AbstractInsnNode> index) {
        /** Whether {@code n} writes a local the index is computed from. */
        boolean storesIndex(AbstractInsnNode n) {
            for (AbstractInsnNode i : index) {
                if (i.getOpcode() == Opcodes.ILOAD && stores(n, ((VarInsnNode) i).var)) {
                    return true;
                }
            }
            return false;
        }

        /** Fresh instructions computing the index. */
        InsnList pushIndex() {
            InsnList c = new InsnList();
            for (AbstractInsnNode i : index) {
                c.add(i.clone(null));
            }
            return c;
        }
    }

    /** Integer arithmetic an index may be computed with (none of it throws). */
    private static final Set<Integer> INDEX_OPS = Set.of(Opcodes.IADD, Opcodes.ISUB, Opcodes.IMUL, Opcodes.ISHL,
            Opcodes.ISHR, Opcodes.IUSHR, Opcodes.IAND, Opcodes.IOR, Opcodes.IXOR);

    /**
     * The index's code: the instructions from {@code first} to {@code last}, when they are int locals, constants and
     * {@link #INDEX_OPS} (and INEG) computing one int from nothing below it; else null.
     */
    private static List<AbstractInsnNode> indexCode(AbstractInsnNode first, AbstractInsnNode last) {
        List<AbstractInsnNode> code = new ArrayList<>();
        int depth = 0;
        for (AbstractInsnNode n = first; n != null && code.size() < 16; n = next(n)) {
            int op = n.getOpcode();
            if (op == Opcodes.ILOAD || constant(n) != null) {
                depth++;
            } else if (INDEX_OPS.contains(op) && depth >= 2) {
                depth--;
            } else if (op != Opcodes.INEG || depth < 1) {
                return null;
            }
            code.add(n);
            if (n == last) {
                return depth == 1 ? code : null;
            }
        }
        return null;
    }

    /** The same instructions with the same operands. */
    private static boolean sameCode(List<AbstractInsnNode> x, List<AbstractInsnNode> y) {
        if (x.size() != y.size()) {
            return false;
        }
        for (int k = 0; k < x.size(); k++) {
            AbstractInsnNode a = x.get(k), b = y.get(k);
            if (a.getOpcode() != b.getOpcode() || (a.getOpcode() == Opcodes.ILOAD
                    ? local(a, Opcodes.ILOAD) != local(b, Opcodes.ILOAD)
                    : constant(a) != null && !constant(a).equals(constant(b)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where a {@code double[]} comes from, the same array in every step of a loop that assigns none of what it is read
     * from: local {@code local} ({@code field} and {@code row} null); field {@code field} of the object in local
     * {@code local} (GETFIELD) or a static field of the class being twinned (GETSTATIC, {@code local} -1); row
     * {@code row} (a local or a constant) of the {@code double[][]} in local {@code local}. {@code start} is the first
     * instruction of the expression, {@code end} the one that pushes the array.
     */
    private record ArrayRef(int local, FieldInsnNode field, AbstractInsnNode row, AbstractInsnNode start,
                            AbstractInsnNode end, boolean perStep) {
        ArrayRef(int local, FieldInsnNode field, AbstractInsnNode row, AbstractInsnNode start, AbstractInsnNode end) {
            this(local, field, row, start, end, false);
        }

        /** The same row of a matrix, compared in every step (its index changes in the loop, not in the term). */
        ArrayRef everyStep() {
            return new ArrayRef(local, field, row, start, end, true);
        }

        String key() {
            if (perStep) {
                return "step " + local + "[" + ((VarInsnNode) row).var + "]";
            }
            if (field != null) {
                return (local < 0 ? "static " : local + ".") + field.owner + "." + field.name;
            }
            return local + (row == null ? "" : "[" + (row.getOpcode() == Opcodes.ILOAD ? "i" + ((VarInsnNode) row).var
                    : "c" + constant(row)) + "]");
        }

        /** Instructions in the expression: ALOAD; ALOAD GETFIELD; GETSTATIC; ALOAD index AALOAD. */
        int length() {
            return row != null ? 3 : field != null && local >= 0 ? 2 : 1;
        }

        /** Nothing in {@code [h, t]} can make the expression give another array. */
        boolean invariant(AbstractInsnNode[] insns, int h, int t) {
            for (int j = h; j <= t; j++) {
                AbstractInsnNode n = insns[j];
                if ((local >= 0 && stores(n, local)) || (row != null && row.getOpcode() == Opcodes.ILOAD
                        && stores(n, ((VarInsnNode) row).var)) || n.getOpcode() == Opcodes.AASTORE) {
                    return false;
                }
                // by name only: a store through a subclass names another owner for the same field
                if (field != null && n instanceof FieldInsnNode f && (f.getOpcode() == Opcodes.PUTFIELD
                        || f.getOpcode() == Opcodes.PUTSTATIC) && f.name.equals(field.name)) {
                    return false;
                }
            }
            return true;
        }

        /** {@code if (<this array> == base) goto aliased}, where the expression cannot throw (a null object, a
         *  missing row: then it is no alias). */
        InsnList aliasCheck(int base, LabelNode aliased) {
            InsnList c = new InsnList();
            LabelNode skip = new LabelNode();
            if (field != null && local >= 0) {
                c.add(new VarInsnNode(Opcodes.ALOAD, local));
                c.add(new JumpInsnNode(Opcodes.IFNULL, skip));
            } else if (row != null) {
                c.add(new VarInsnNode(Opcodes.ALOAD, local));
                c.add(new JumpInsnNode(Opcodes.IFNULL, skip));
                c.add(row.clone(null));
                c.add(new JumpInsnNode(Opcodes.IFLT, skip));
                c.add(row.clone(null));
                c.add(new VarInsnNode(Opcodes.ALOAD, local));
                c.add(new InsnNode(Opcodes.ARRAYLENGTH));
                c.add(new JumpInsnNode(Opcodes.IF_ICMPGE, skip));
            }
            c.add(new VarInsnNode(Opcodes.ALOAD, base));
            c.add(push());
            c.add(new JumpInsnNode(Opcodes.IF_ACMPEQ, aliased));
            c.add(skip);
            return c;
        }

        /** Fresh instructions pushing the array (as the original's, which may throw the same way). */
        InsnList push() {
            InsnList c = new InsnList();
            if (local >= 0) {
                c.add(new VarInsnNode(Opcodes.ALOAD, local));
            }
            if (field != null) {
                c.add(field.clone(null));
            } else if (row != null) {
                c.add(row.clone(null));
                c.add(new InsnNode(Opcodes.AALOAD));
            }
            return c;
        }
    }

    /**
     * The array {@code v} is, when its expression is one {@link ArrayRef} describes (looking through DUP copies; a
     * static field only of class {@code owner}, whose initialisation has begun); else null.
     */
    private static ArrayRef ref(SourceValue v, Frame<SourceValue>[] frames, Map<AbstractInsnNode, Integer> index,
                                String owner) {
        AbstractInsnNode end = originInsn(v, 2, frames, index);
        if (end == null) {
            return null;
        }
        int op = end.getOpcode();
        if (op == Opcodes.ALOAD) {
            return new ArrayRef(((VarInsnNode) end).var, null, null, end, end);
        }
        if (op == Opcodes.GETSTATIC && ((FieldInsnNode) end).owner.equals(owner)) {
            return new ArrayRef(-1, (FieldInsnNode) end, null, end, end);
        }
        Frame<SourceValue> f = frames[index.get(end)];
        if (f == null) {
            return null;
        }
        if (op == Opcodes.GETFIELD) {
            AbstractInsnNode object = originInsn(f.getStack(f.getStackSize() - 1), 1, frames, index);
            return object != null && object.getOpcode() == Opcodes.ALOAD
                    ? new ArrayRef(((VarInsnNode) object).var, (FieldInsnNode) end, null, object, end) : null;
        }
        if (op == Opcodes.AALOAD) {
            AbstractInsnNode matrix = originInsn(f.getStack(f.getStackSize() - 2), 2, frames, index);
            AbstractInsnNode row = originInsn(f.getStack(f.getStackSize() - 1), 1, frames, index);
            return matrix != null && matrix.getOpcode() == Opcodes.ALOAD && row != null && sameIndex(row, row)
                    ? new ArrayRef(((VarInsnNode) matrix).var, null, row, matrix, end) : null;
        }
        return null;
    }

    /** Both push the same index: loads of one int local, or the same int constant. */
    private static boolean sameIndex(AbstractInsnNode x, AbstractInsnNode y) {
        if (x == null || y == null) {
            return false;
        }
        if (x.getOpcode() == Opcodes.ILOAD || y.getOpcode() == Opcodes.ILOAD) {
            return local(x, Opcodes.ILOAD) >= 0 && local(x, Opcodes.ILOAD) == local(y, Opcodes.ILOAD);
        }
        Integer cx = constant(x), cy = constant(y);
        return cx != null && cx.equals(cy);
    }

    private static Integer constant(AbstractInsnNode n) {
        int op = n.getOpcode();
        if (op >= Opcodes.ICONST_M1 && op <= Opcodes.ICONST_5) {
            return op - Opcodes.ICONST_0;
        }
        if (n instanceof org.objectweb.asm.tree.IntInsnNode c && (op == Opcodes.BIPUSH || op == Opcodes.SIPUSH)) {
            return c.operand;
        }
        if (n instanceof org.objectweb.asm.tree.LdcInsnNode c && c.cst instanceof Integer v) {
            return v;
        }
        return null;
    }

    /** Finds one site not tried before that qualifies, rewrites it; false when there is none left. */
    private static boolean rewriteOne(String owner, MethodNode m, Set<AbstractInsnNode> tried)
            throws AnalyzerException {
        AbstractInsnNode[] insns = m.instructions.toArray();
        Map<AbstractInsnNode, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < insns.length; i++) {
            index.put(insns[i], i);
        }
        Frame<SourceValue>[] frames = null;
        for (int s = 0; s < insns.length; s++) {
            if (insns[s].getOpcode() != Opcodes.DASTORE || !tried.add(insns[s])) {
                continue;
            }
            if (frames == null) {
                frames = new Analyzer<>(new SourceInterpreter()).analyze(owner, m);
            }
            Site site = site(insns, index, frames, s, owner);
            if (site == null) {
                continue;
            }
            int[] loop = loop(insns, index, site, m.tryCatchBlocks, owner);
            if (loop == null) {
                continue;
            }
            List<ArrayRef> others = otherArrays(insns, index, frames, site, loop[0], loop[1], owner);
            if (others == null || others.stream().anyMatch(o -> o.key().equals(site.array.key()))) {
                continue; // the loop reads or writes the same array through the same expression: always an alias
            }
            rewrite(m, insns, index, site, loop[0], loop[1], others);
            return true;
        }
        return false;
    }

    private static Site site(AbstractInsnNode[] insns, Map<AbstractInsnNode, Integer> index,
                             Frame<SourceValue>[] frames, int s, String owner) {
        Frame<SourceValue> atStore = frames[s];
        if (atStore == null) {
            return null;
        }
        AbstractInsnNode add = previous(insns[s]);
        if (add == null || (add.getOpcode() != Opcodes.DADD && add.getOpcode() != Opcodes.DSUB)) {
            return null;
        }
        Frame<SourceValue> atAdd = frames[index.get(add)];
        AbstractInsnNode load = single(atAdd.getStack(atAdd.getStackSize() - 2));
        if (load == null || load.getOpcode() != Opcodes.DALOAD || frames[index.get(load)] == null) {
            return null;
        }
        // the store's array and index, and the element read's: the same array expression and index
        Frame<SourceValue> atLoad = frames[index.get(load)];
        int ls = atLoad.getStackSize(), ss = atStore.getStackSize();
        ArrayRef array = ref(atStore.getStack(ss - 3), frames, index, owner);
        ArrayRef loadArray = ref(atLoad.getStack(ls - 2), frames, index, owner);
        AbstractInsnNode i = originInsn(atStore.getStack(ss - 2), 1, frames, index);
        AbstractInsnNode loadIndex = originInsn(atLoad.getStack(ls - 1), 1, frames, index);
        if (array == null || loadArray == null || !array.key().equals(loadArray.key()) || i == null
                || loadIndex == null) {
            return null;
        }
        // and nothing else from the array expression to the element read: <array> <index> (DUP2 | <array> <index>)
        // DALOAD, the index computed by int arithmetic from locals and constants
        AbstractInsnNode walk = array.start;
        for (int k = 1; k < array.length(); k++) {
            walk = next(walk);
        }
        List<AbstractInsnNode> indexCode = walk == array.end ? indexCode(next(walk), i) : null;
        if (indexCode == null) {
            return null;
        }
        walk = next(i);
        if (walk != null && walk.getOpcode() == Opcodes.DUP2) {
            if (loadArray.end != array.end || loadIndex != i || next(walk) != load) {
                return null;
            }
        } else {
            if (walk != loadArray.start) {
                return null;
            }
            for (int k = 1; k < loadArray.length(); k++) {
                walk = next(walk);
            }
            List<AbstractInsnNode> loadCode = walk == loadArray.end ? indexCode(next(walk), loadIndex) : null;
            if (loadCode == null || !sameCode(indexCode, loadCode) || next(loadIndex) != load) {
                return null;
            }
        }
        AbstractInsnNode start = array.start;
        // the term: straight-line code that only works above the element's value
        int from = index.get(load) + 1, to = index.get(add);
        int base = frames[from] == null ? -1 : frames[from].getStackSize();
        if (base < 0 || frames[to].getStackSize() != base + 1) {
            return null;
        }
        for (int j = from; j < to; j++) {
            AbstractInsnNode n = insns[j];
            int op = n.getOpcode();
            if (n instanceof JumpInsnNode || n instanceof TableSwitchInsnNode || n instanceof LookupSwitchInsnNode
                    || (op >= Opcodes.IRETURN && op <= Opcodes.RETURN) || op == Opcodes.ATHROW
                    || op == Opcodes.DUP_X1 || op == Opcodes.DUP_X2 || op == Opcodes.DUP2_X1 || op == Opcodes.DUP2_X2
                    || op == Opcodes.SWAP || frames[j] == null || frames[j].getStackSize() < base) {
                return null;
            }
        }
        for (int j = index.get(start); j <= s; j++) {
            if (insns[j] instanceof LabelNode l && targeted(insns, l)) {
                return null;
            }
        }
        return new Site(start, load, add, insns[s], array, indexCode);
    }

    /**
     * The innermost loop around the site, {@code [header, backEdge]} as instruction indices, when it qualifies (see
     * the class comment); else null.
     */
    private static int[] loop(AbstractInsnNode[] insns, Map<AbstractInsnNode, Integer> index, Site site,
                              List<TryCatchBlockNode> tryCatchBlocks, String owner) {
        int first = index.get(site.start), last = index.get(site.store);
        int h = -1, t = -1;
        for (int j = last; j < insns.length; j++) {
            if (insns[j] instanceof JumpInsnNode jump) {
                int target = index.get(jump.label);
                if (target <= first && (t < 0 || j - target < t - h)) {
                    h = target;
                    t = j;
                }
            }
        }
        if (h < 0) {
            return null;
        }
        // entered only through its header
        for (int j = 0; j < insns.length; j++) {
            if (j >= h && j <= t) {
                continue;
            }
            for (LabelNode l : ShadowCaches.targets(insns[j])) {
                int k = index.get(l);
                if (k > h && k <= t) {
                    return null;
                }
            }
        }
        for (int j = h; j <= t; j++) {
            AbstractInsnNode n = insns[j];
            int op = n.getOpcode();
            if (n instanceof MethodInsnNode call) {
                if (op != Opcodes.INVOKESTATIC || !(PURE_OWNERS.contains(call.owner) || (call.owner + "." + call.name
                        + call.desc).equals(REQUIRE_NON_NULL))) {
                    return null;
                }
            } else if (n instanceof InvokeDynamicInsnNode || op == Opcodes.MONITORENTER || op == Opcodes.MONITOREXIT
                    || op == Opcodes.AASTORE) { // (a row of a double[][] read in the loop could be replaced)
                return null;
            } else if (n instanceof FieldInsnNode f && (op == Opcodes.GETSTATIC || op == Opcodes.PUTSTATIC)
                    && !f.owner.equals(owner)) {
                return null; // another class's initialiser could run (and read the element); ours has begun
            } else if (site.storesIndex(n)) {
                return null;
            }
        }
        if (!site.array.invariant(insns, h, t)) {
            return null;
        }
        for (TryCatchBlockNode b : tryCatchBlocks) {
            int s = index.get(b.start), e = index.get(b.end), handler = index.get(b.handler);
            boolean inside = s > h && e <= t + 1 && handler > h && handler <= t;
            boolean around = s <= h && e > t && (handler < h || handler > t);
            boolean apart = (e <= h || s > t) && (handler < h || handler > t);
            if (!inside && !around && !apart) {
                return null; // a try block overlapping the loop in part, or a way into it other than its header
            }
        }
        return h < first ? new int[] {h, t} : null;
    }

    /**
     * The arrays of the other double[] accesses in {@code [h, t]}, each one {@link ArrayRef} describes and invariant
     * there; null if one is not so.
     */
    private static List<ArrayRef> otherArrays(AbstractInsnNode[] insns, Map<AbstractInsnNode, Integer> index,
                                              Frame<SourceValue>[] frames, Site site, int h, int t, String owner) {
        Map<String, ArrayRef> others = new LinkedHashMap<>();
        for (int j = h; j <= t; j++) {
            int op = insns[j].getOpcode();
            if ((op != Opcodes.DALOAD && op != Opcodes.DASTORE) || insns[j] == site.load || insns[j] == site.store
                    || frames[j] == null) {
                continue;
            }
            Frame<SourceValue> f = frames[j];
            ArrayRef other = ref(f.getStack(f.getStackSize() - (op == Opcodes.DALOAD ? 2 : 3)), frames, index, owner);
            if (other == null) {
                return null;
            }
            if (!other.invariant(insns, h, t)) {
                // b[k][j] in the term, k changing from step to step (a matrix product): compared in every step
                int from = index.get(site.load), to = index.get(site.add);
                if (other.row == null || other.row.getOpcode() != Opcodes.ILOAD || j <= from || j >= to) {
                    return null;
                }
                ArrayRef matrix = new ArrayRef(other.local, null, null, other.start, other.start);
                int k = ((VarInsnNode) other.row).var;
                if (!matrix.invariant(insns, h, t)) {
                    return null;
                }
                for (int n = from; n < to; n++) {
                    if (stores(insns[n], k)) {
                        return null;
                    }
                }
                other = other.everyStep();
            }
            others.putIfAbsent(other.key(), other);
        }
        return new ArrayList<>(others.values());
    }

    /**
     * The instruction that pushed {@code v}, looking through DUP and DUP2 copies ({@code fromTop}: which of a DUP2's
     * two values it is, 2 for the lower one, as an array under its index); null if not one instruction.
     */
    private static AbstractInsnNode originInsn(SourceValue v, int fromTop, Frame<SourceValue>[] frames,
                                               Map<AbstractInsnNode, Integer> index) {
        for (int depth = 0; depth < 4; depth++) {
            AbstractInsnNode n = single(v);
            if (n == null || (n.getOpcode() != Opcodes.DUP2 && n.getOpcode() != Opcodes.DUP)) {
                return n;
            }
            Frame<SourceValue> f = frames[index.get(n)];
            if (f == null) {
                return null;
            }
            v = f.getStack(f.getStackSize() - (n.getOpcode() == Opcodes.DUP2 ? fromTop : 1));
        }
        return null;
    }

    private static void rewrite(MethodNode m, AbstractInsnNode[] insns, Map<AbstractInsnNode, Integer> index,
                                Site site, int h, int t, List<ArrayRef> others) {
        int acc = m.maxLocals, mode = m.maxLocals + 2, base = m.maxLocals + 3, element = m.maxLocals + 4;
        m.maxLocals += 5;
        m.maxStack += 4;
        InsnList code = m.instructions;
        LabelNode header = (LabelNode) insns[h];

        // the ways out, found before anything moves: jumps leaving [h, t], and falling out of its end
        Map<LabelNode, LabelNode> stubs = new LinkedHashMap<>();
        List<AbstractInsnNode> exits = new ArrayList<>();
        List<AbstractInsnNode> returns = new ArrayList<>();
        for (int j = h; j <= t; j++) {
            for (LabelNode l : ShadowCaches.targets(insns[j])) {
                int k = index.get(l);
                if (k < h || k > t) {
                    stubs.putIfAbsent(l, new LabelNode());
                    exits.add(insns[j]);
                }
            }
            int op = insns[j].getOpcode();
            if (op >= Opcodes.IRETURN && op <= Opcodes.RETURN) {
                returns.add(insns[j]);
            }
        }
        boolean fallsOut = fallsThrough(insns[t]);

        // entry: a fresh sum and mode 0; jumps into the loop from before it go through this
        LabelNode entry = new LabelNode();
        InsnList init = new InsnList();
        init.add(entry);
        init.add(new InsnNode(Opcodes.ICONST_0));
        init.add(new VarInsnNode(Opcodes.ISTORE, mode));
        init.add(new InsnNode(Opcodes.DCONST_0));
        init.add(new VarInsnNode(Opcodes.DSTORE, acc));
        init.add(new InsnNode(Opcodes.ACONST_NULL));
        init.add(new VarInsnNode(Opcodes.ASTORE, base));
        init.add(new InsnNode(Opcodes.ICONST_0));
        init.add(new VarInsnNode(Opcodes.ISTORE, element));
        for (int j = 0; j < insns.length; j++) {
            if (j < h || j > t) {
                retarget(insns[j], header, entry);
            }
        }
        code.insertBefore(header, init);

        // the site: decide once per entry, then the sum in the local (mode 1) or the original code (mode 2)
        LabelNode decided = new LabelNode(), aliased = new LabelNode(), plain = new LabelNode(), done = new LabelNode();
        InsnList head = new InsnList();
        head.add(new VarInsnNode(Opcodes.ILOAD, mode));
        head.add(new JumpInsnNode(Opcodes.IFNE, decided));
        head.add(site.array.push()); // may throw, as the site itself would here
        head.add(new VarInsnNode(Opcodes.ASTORE, base));
        head.add(site.pushIndex());
        head.add(new VarInsnNode(Opcodes.ISTORE, element));
        for (ArrayRef other : others) {
            if (!other.perStep) {
                head.add(other.aliasCheck(base, aliased));
            }
        }
        head.add(new VarInsnNode(Opcodes.ALOAD, base));
        head.add(new VarInsnNode(Opcodes.ILOAD, element));
        head.add(new InsnNode(Opcodes.DALOAD));
        head.add(new VarInsnNode(Opcodes.DSTORE, acc));
        head.add(new InsnNode(Opcodes.ICONST_1));
        head.add(new VarInsnNode(Opcodes.ISTORE, mode));
        head.add(new JumpInsnNode(Opcodes.GOTO, decided));
        head.add(aliased);
        head.add(new InsnNode(Opcodes.ICONST_2));
        head.add(new VarInsnNode(Opcodes.ISTORE, mode));
        head.add(decided);
        if (others.stream().anyMatch(ArrayRef::perStep)) { // rows read in the term this step: the sum goes back first
            LabelNode dispatch = new LabelNode(), hit = new LabelNode();
            head.add(new VarInsnNode(Opcodes.ILOAD, mode));
            head.add(new InsnNode(Opcodes.ICONST_1));
            head.add(new JumpInsnNode(Opcodes.IF_ICMPNE, dispatch));
            for (ArrayRef other : others) {
                if (other.perStep) {
                    head.add(other.aliasCheck(base, hit));
                }
            }
            head.add(new JumpInsnNode(Opcodes.GOTO, dispatch));
            head.add(hit);
            head.add(store(acc, mode, base, element));
            head.add(new InsnNode(Opcodes.ICONST_2));
            head.add(new VarInsnNode(Opcodes.ISTORE, mode));
            head.add(dispatch);
        }
        head.add(new VarInsnNode(Opcodes.ILOAD, mode));
        head.add(new InsnNode(Opcodes.ICONST_1));
        head.add(new JumpInsnNode(Opcodes.IF_ICMPNE, plain));
        head.add(new VarInsnNode(Opcodes.DLOAD, acc));
        Map<LabelNode, LabelNode> labels = new HashMap<>();
        for (AbstractInsnNode n : insns) {
            if (n instanceof LabelNode l) {
                labels.put(l, l);
            }
        }
        for (int j = index.get(site.load) + 1; j < index.get(site.add); j++) {
            if (insns[j] instanceof LabelNode l) {
                labels.put(l, l instanceof Inlining.Site s ? new Inlining.Site(s.where, s.sourceFile)
                        : new LabelNode());
            }
        }
        for (int j = index.get(site.load) + 1; j < index.get(site.add); j++) {
            head.add(insns[j].clone(labels));
        }
        head.add(new InsnNode(site.add.getOpcode()));
        head.add(new VarInsnNode(Opcodes.DSTORE, acc));
        head.add(new JumpInsnNode(Opcodes.GOTO, done));
        head.add(plain);
        code.insertBefore(site.start, head);
        code.insert(site.store, done);

        // the ways out store the element
        for (AbstractInsnNode r : returns) {
            code.insertBefore(r, store(acc, mode, base, element));
        }
        LabelNode end = new LabelNode();
        code.insert(insns[t], end);
        if (fallsOut) {
            code.insert(end, store(acc, mode, base, element));
        }
        for (AbstractInsnNode x : exits) {
            for (Map.Entry<LabelNode, LabelNode> e : stubs.entrySet()) {
                retarget(x, e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<LabelNode, LabelNode> e : stubs.entrySet()) {
            code.add(e.getValue());
            code.add(store(acc, mode, base, element));
            code.add(new JumpInsnNode(Opcodes.GOTO, e.getKey()));
        }
        LabelNode handler = new LabelNode(), handlerEnd = new LabelNode();
        code.add(handler);
        code.add(store(acc, mode, base, element));
        code.add(new InsnNode(Opcodes.ATHROW));
        code.add(handlerEnd);
        // ahead of the handlers around the loop, after those inside it (which see their exceptions first); the
        // rethrow goes to the handlers around the loop, in their order, as the exception would have
        int at = 0;
        while (at < m.tryCatchBlocks.size() && inside(m.tryCatchBlocks.get(at), index, h, t)) {
            at++;
        }
        List<TryCatchBlockNode> around = new ArrayList<>();
        for (TryCatchBlockNode b : m.tryCatchBlocks) {
            if (index.get(b.start) <= h && index.get(b.end) > t) {
                around.add(new TryCatchBlockNode(handler, handlerEnd, b.handler, b.type));
            }
        }
        m.tryCatchBlocks.add(at, new TryCatchBlockNode(header, end, handler, null));
        m.tryCatchBlocks.addAll(around);
    }

    /** {@code if (mode == 1) a[i] = acc;} */
    private static InsnList store(int acc, int mode, int base, int element) {
        InsnList s = new InsnList();
        LabelNode skip = new LabelNode();
        s.add(new VarInsnNode(Opcodes.ILOAD, mode));
        s.add(new InsnNode(Opcodes.ICONST_1));
        s.add(new JumpInsnNode(Opcodes.IF_ICMPNE, skip));
        s.add(new VarInsnNode(Opcodes.ALOAD, base));
        s.add(new VarInsnNode(Opcodes.ILOAD, element));
        s.add(new VarInsnNode(Opcodes.DLOAD, acc));
        s.add(new InsnNode(Opcodes.DASTORE));
        s.add(skip);
        return s;
    }

    private static boolean inside(TryCatchBlockNode b, Map<AbstractInsnNode, Integer> index, int h, int t) {
        return index.get(b.start) > h && index.get(b.end) <= t + 1;
    }

    private static AbstractInsnNode single(SourceValue v) {
        return v != null && v.insns.size() == 1 ? v.insns.iterator().next() : null;
    }

    private static int local(AbstractInsnNode n, int opcode) {
        return n != null && n.getOpcode() == opcode ? ((VarInsnNode) n).var : -1;
    }

    /** Whether {@code n} writes local {@code var} (any type, a two-slot store overlapping it included). */
    private static boolean stores(AbstractInsnNode n, int var) {
        if (n instanceof IincInsnNode inc) {
            return inc.var == var;
        }
        if (n instanceof VarInsnNode v && v.getOpcode() >= Opcodes.ISTORE && v.getOpcode() <= Opcodes.ASTORE) {
            boolean wide = v.getOpcode() == Opcodes.LSTORE || v.getOpcode() == Opcodes.DSTORE;
            return v.var == var || (wide && v.var + 1 == var);
        }
        return false;
    }

    /** The next instruction with an opcode (labels and line numbers skipped), or null. */
    private static AbstractInsnNode next(AbstractInsnNode n) {
        for (AbstractInsnNode p = n.getNext(); p != null; p = p.getNext()) {
            if (p.getOpcode() >= 0) {
                return p;
            }
        }
        return null;
    }

    /** The previous instruction with an opcode (labels and line numbers skipped), or null. */
    private static AbstractInsnNode previous(AbstractInsnNode n) {
        for (AbstractInsnNode p = n.getPrevious(); p != null; p = p.getPrevious()) {
            if (p.getOpcode() >= 0) {
                return p;
            }
        }
        return null;
    }

    private static boolean targeted(AbstractInsnNode[] insns, LabelNode l) {
        for (AbstractInsnNode n : insns) {
            if (ShadowCaches.targets(n).contains(l)) {
                return true;
            }
        }
        return false;
    }

    private static void retarget(AbstractInsnNode n, LabelNode from, LabelNode to) {
        if (n instanceof JumpInsnNode j) {
            if (j.label == from) {
                j.label = to;
            }
        } else if (n instanceof TableSwitchInsnNode s) {
            if (s.dflt == from) {
                s.dflt = to;
            }
            s.labels.replaceAll(l -> l == from ? to : l);
        } else if (n instanceof LookupSwitchInsnNode s) {
            if (s.dflt == from) {
                s.dflt = to;
            }
            s.labels.replaceAll(l -> l == from ? to : l);
        }
    }

    private static boolean fallsThrough(AbstractInsnNode n) {
        int op = n.getOpcode();
        return op != Opcodes.GOTO && op != Opcodes.ATHROW && !(op >= Opcodes.IRETURN && op <= Opcodes.RETURN)
                && !(n instanceof TableSwitchInsnNode) && !(n instanceof LookupSwitchInsnNode);
    }
}
