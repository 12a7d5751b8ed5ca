package io.adjoint.agent.twin;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicInterpreter;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static io.adjoint.agent.twin.TwinOpcodes.OPS;
import static io.adjoint.agent.twin.TwinOpcodes.TAPE;
import static io.adjoint.agent.twin.TwinOpcodes.TAPE_DESC;

/**
 * Accumulation runs: a loop-carried sum ({@code f += ...} in a loop, a {@link Preaccumulation} block ending with
 * {@code Tape.endAccumulate}) whose node stays open across iterations with its state in the twin's own locals.
 *
 * <p><b>Why.</b> Through {@code begin/arg/endAccumulate} each iteration loads and stores the tape's cursor, node count
 * and last node, and reads the running sum back from the tape: a chain through memory from one iteration to the next.
 * A run keeps the cursor, where the node's arguments begin ({@code open}) and the running sum in locals; each
 * iteration only writes its arguments at the cursor ({@code pre$N$run}). Rosenbrock's gradient at n = 10^4 recorded
 * this way by hand took 40% less time.
 *
 * <p><b>Why it is exact.</b> The node is written ({@code Tape.runEnd}) before anything could see that it is missing:
 * before every other call that may record (everything but a list of element, field and comparison helpers that never
 * touch the tape's nodes) and before every other read of the accumulator's local. An exception handler is one more
 * path: the run's state is in locals, which it sees as they were (a handler that reads the sum ends the run there). A
 * store into the accumulator's local (or a local overlapping it) abandons the run: its arguments lie past the tape's
 * cursor and are overwritten by the next recording operation, its node never existed. Where the accumulator's local
 * does not hold a {@code long} in the verifier's view (unset, or reused by another variable) the run's value is dead,
 * so nothing is written there. While second derivatives are recorded no run starts ({@code Tape.runOpen} says so and
 * the block's usual path runs). Which loops get a run is only a matter of speed: a site gets one when some cycle
 * through it (its loop, the innermost one around it) has no such point, so that the run lasts as long as that loop.
 */
final class AccumulationRuns {
    private AccumulationRuns() {
    }

    private static final int MAX_ARITY = io.adjoint.internal.Tape.MAX_ARITY;
    /** At most this many places where one run must be ended, and twins of at most this many instructions. */
    static final int MAX_ENDS = 64, MAX_INSTRUCTIONS = 6000;

    /**
     * Calls that never record nor read the tape's cursor: a run stays open across them. (Also the field accesses linked
     * by {@code FieldShadows}, which end in the Ops field methods listed here. Not JDK methods that may call back into
     * application code: an instrumented method entered from there may record.)
     */
    private static final Set<String> NEUTRAL_OPS = Set.of("arrayShadow", "cmpg", "cmpl", "d2i", "d2l", "daload",
            "dastore", "fromDouble", "getField", "getStatic", "primal", "shadowGeneration", "shadowGet", "shadowPut",
            "putField", "putStatic");
    private static final Set<String> NEUTRAL_TAPE = Set.of("val", "owner", "isSecondOrder", "primal");
    private static final Set<String> NEUTRAL_CLASSES = Set.of("io/adjoint/internal/Slot", "java/lang/Math",
            "java/lang/StrictMath", "java/lang/Double", "java/lang/Float", "java/lang/Integer", "java/lang/Long");

    /** An accumulation site in a twin: the call of {@code pre$N}, its leaf loads, and its locals. */
    private record Site(MethodInsnNode call, Preaccumulation.Tree tree, VarInsnNode accumulatorLoad,
                        AbstractInsnNode ownedLoad, AbstractInsnNode tapeLoad, int tape, int accumulator,
                        AbstractInsnNode last) {
    }

    /**
     * Rewrites the accumulation sites of twin method {@code m} (of class {@code companion}) that sit on loops into runs.
     * {@code blocks} gives the accumulating block of a generated method's name (null for others). Leaves {@code m} as
     * it was when it cannot analyse it.
     */
    static void rewrite(String companion, MethodNode m, Function<String, Preaccumulation.Tree> blocks) {
        if (m.instructions.size() > MAX_INSTRUCTIONS) {
            return; // past the JIT's limit for compiling a method at all (8,000 bytes): no speed to gain
        }
        List<Site> sites = sites(companion, m, blocks);
        if (sites.isEmpty()) {
            return;
        }
        Map<Integer, Integer> perLocal = new HashMap<>();
        for (Site s : sites) {
            perLocal.merge(s.accumulator, 1, Integer::sum);
        }
        List<Site> allSites = new ArrayList<>(sites);
        sites.removeIf(s -> perLocal.get(s.accumulator) != 1); // one site per accumulator local: one run state
        if (sites.isEmpty()) {
            return;
        }
        int maxLocals = Math.max(m.maxLocals, org.objectweb.asm.Type.getArgumentsAndReturnSizes(m.desc) >> 2);
        int maxStack = m.maxStack;
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof VarInsnNode v) {
                maxLocals = Math.max(maxLocals, v.var + 2);
            } else if (n instanceof org.objectweb.asm.tree.IincInsnNode v) {
                maxLocals = Math.max(maxLocals, v.var + 1);
            }
        }
        m.maxLocals = maxLocals;
        m.maxStack = Math.max(maxStack, 64) + 2 * Preaccumulation.MAX_LEAVES + 16;
        AbstractInsnNode[] insns = m.instructions.toArray();
        Map<AbstractInsnNode, Integer> index = new java.util.IdentityHashMap<>();
        for (int i = 0; i < insns.length; i++) {
            index.put(insns[i], i);
        }
        List<List<Integer>> successors = new ArrayList<>();
        for (int i = 0; i < insns.length; i++) {
            successors.add(new ArrayList<>());
        }
        Frame<BasicValue>[] frames;
        try {
            frames = new Analyzer<>(new BasicInterpreter()) {
                @Override
                protected void newControlFlowEdge(int insn, int successor) {
                    successors.get(insn).add(successor);
                }

                @Override
                protected boolean newControlFlowExceptionEdge(int insn, int successor) {
                    successors.get(insn).add(successor);
                    return true;
                }
            }.analyze(companion, m);
        } catch (AnalyzerException | RuntimeException e) {
            m.maxStack = maxStack;
            return; // the twin stays as it is: every site keeps its block's usual path
        }
        m.maxStack = maxStack;
        int next = maxLocals;
        List<Run> runs = new ArrayList<>();
        Map<Site, BitSet> flushesOf = new java.util.IdentityHashMap<>();
        List<Site> alone = new ArrayList<>(); // sites that cannot run alone: maybe other sums' sites end them
        for (Site site : sites) {
            int call = index.get(site.call);
            BitSet flushes = flushPoints(insns, index, site, allSites);
            flushesOf.put(site, flushes);
            if (!reach(call, successors, flushes).get(call)) {
                alone.add(site); // every cycle through the site (if any) ends the run: maybe another sum's site
                continue;
            }
            next = addRun(m, insns, frames, new Run(site, next, next + 1, next + 2, -1, -1), flushes, runs, next + 4);
        }
        // Sums of one loop (s += a; q += b; ...): each ends the others' runs at its site. A site that cannot run alone
        // and the other such sites of its loop form a group when each would run but for the others: the first keeps its run
        // at the tape's cursor and ends also wherever another ends; the others run on side tapes (one each) and end
        // where each would alone (every site outside the group, every call, every read of its local), after the first
        // (end code inserted in that order).
        java.util.Set<Site> grouped = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Site a : alone) {
            if (grouped.contains(a)) {
                continue;
            }
            List<Site> group = new ArrayList<>(); // a and the other sites of its loop (on a cycle through both)
            group.add(a);
            int ca = index.get(a.call);
            BitSet fromA = reach(ca, successors, new BitSet());
            for (Site b : alone) {
                int cb = index.get(b.call);
                if (b != a && !grouped.contains(b) && fromA.get(cb) && reach(cb, successors, new BitSet()).get(ca)) {
                    group.add(b);
                }
            }
            if (group.size() < 2 || group.size() > 1 + io.adjoint.internal.Tape.MAX_SIDE_RUNS) {
                continue;
            }
            List<BitSet> own = new ArrayList<>(); // each member's end points but the other members' sites
            BitSet first = new BitSet();
            for (Site g : group) {
                BitSet f = (BitSet) flushesOf.get(g).clone();
                for (Site other : group) {
                    if (other != g) {
                        f.clear(index.get(other.ownedLoad));
                    }
                }
                own.add(f);
                first.or(f);
            }
            boolean runs2 = endsOf(first, frames, a).cardinality() <= MAX_ENDS
                    && reach(index.get(a.call), successors, first).get(index.get(a.call));
            for (int g = 1; g < group.size() && runs2; g++) {
                int call = index.get(group.get(g).call);
                runs2 = reach(call, successors, own.get(g)).get(call)
                        && endsOf(own.get(g), frames, group.get(g)).cardinality() <= MAX_ENDS;
            }
            if (!runs2) {
                continue;
            }
            next = addRun(m, insns, frames, new Run(a, next, next + 1, next + 2, -1, -1), first, runs, next + 4);
            for (int g = 1; g < group.size(); g++) {
                next = addRun(m, insns, frames, new Run(group.get(g), next, next + 1, next + 2, next + 4, g - 1),
                        own.get(g), runs, next + 5);
            }
            grouped.addAll(group);
        }
        for (Run run : runs) { // after every run's end points, which may sit before other sites' owned loads
            run.replaceSite(m.instructions);
        }
        m.maxLocals = next;
    }

    /** The flush points where the run of {@code site} may be open (its local holds a long there): where it ends. */
    private static BitSet endsOf(BitSet flushes, Frame<BasicValue>[] frames, Site site) {
        BitSet ends = new BitSet();
        for (int i = flushes.nextSetBit(0); i >= 0; i = flushes.nextSetBit(i + 1)) {
            if (frames[i] != null && frames[i].getLocal(site.accumulator) == BasicValue.LONG_VALUE) {
                ends.set(i);
            }
        }
        return ends;
    }

    /**
     * Inserts {@code run}'s end code before its end points (after the end code already there: a side run ends after
     * its partner), its abandon code before other stores into its local, its init at method entry; returns
     * {@code next} (the next free local) or, past {@link #MAX_ENDS} end points, leaves the method alone.
     */
    private static int addRun(MethodNode m, AbstractInsnNode[] insns, Frame<BasicValue>[] frames, Run run,
                              BitSet flushes, List<Run> runs, int next) {
        BitSet ends = endsOf(flushes, frames, run.site);
        if (ends.cardinality() > MAX_ENDS) {
            return run.cursor; // ~20 bytes each: a long method must stay under the class file's 64-kB limit
        }
        runs.add(run);
        for (int i = ends.nextSetBit(0); i >= 0; i = ends.nextSetBit(i + 1)) {
            m.instructions.insertBefore(insns[i], run.end());
        }
        for (int i = 0; i < insns.length; i++) {
            if (frames[i] != null && insns[i] != run.site.last && overwrites(insns[i], run.site.accumulator)) {
                m.instructions.insertBefore(insns[i], run.abandon());
            }
        }
        m.instructions.insert(run.init());
        return next;
    }

    /** The sites of {@code m}: {@code LLOAD leaf... ILOAD owned ALOAD tape INVOKESTATIC pre$N DUP2 owner ISTORE LSTORE}. */
    private static List<Site> sites(String companion, MethodNode m, Function<String, Preaccumulation.Tree> blocks) {
        List<Site> sites = new ArrayList<>();
        for (AbstractInsnNode n : m.instructions) {
            if (!(n instanceof MethodInsnNode call) || call.getOpcode() != Opcodes.INVOKESTATIC
                    || !call.owner.equals(companion)) {
                continue;
            }
            Preaccumulation.Tree tree = blocks.apply(call.name);
            if (tree == null || tree.accumulator() < 0) {
                continue;
            }
            AbstractInsnNode tapeLoad = previous(call), ownedLoad = tapeLoad == null ? null : previous(tapeLoad);
            if (ownedLoad == null || tapeLoad.getOpcode() != Opcodes.ALOAD || ownedLoad.getOpcode() != Opcodes.ILOAD) {
                continue;
            }
            AbstractInsnNode leaf = ownedLoad;
            VarInsnNode accLoad = null;
            boolean loads = true;
            for (int i = tree.leaves() - 1; i >= 0 && loads; i--) {
                leaf = previous(leaf);
                loads = leaf != null && leaf.getOpcode() == Opcodes.LLOAD;
                if (loads && i == tree.accumulator()) {
                    accLoad = (VarInsnNode) leaf;
                }
            }
            AbstractInsnNode dup = next(call), owner = dup == null ? null : next(dup);
            AbstractInsnNode ownedStore = owner == null ? null : next(owner);
            AbstractInsnNode store = ownedStore == null ? null : next(ownedStore);
            if (!loads || accLoad == null || store == null || dup.getOpcode() != Opcodes.DUP2
                    || !(owner instanceof MethodInsnNode o && o.owner.equals(TAPE) && o.name.equals("owner"))
                    || ownedStore.getOpcode() != Opcodes.ISTORE
                    || ((VarInsnNode) ownedStore).var != ((VarInsnNode) ownedLoad).var
                    || store.getOpcode() != Opcodes.LSTORE || ((VarInsnNode) store).var != accLoad.var) {
                continue; // not the shape Preaccumulation and TwinMethodAdapter make: left alone
            }
            sites.add(new Site(call, tree, accLoad, ownedLoad, tapeLoad, ((VarInsnNode) tapeLoad).var, accLoad.var,
                    store));
        }
        return sites;
    }

    private static AbstractInsnNode previous(AbstractInsnNode n) {
        do {
            n = n.getPrevious();
        } while (n != null && n.getOpcode() < 0);
        return n;
    }

    private static AbstractInsnNode next(AbstractInsnNode n) {
        do {
            n = n.getNext();
        } while (n != null && n.getOpcode() < 0);
        return n;
    }

    /**
     * Where a run of {@code site} must be ended: other calls that may record, other reads of its local. (Not handlers:
     * the run's state is in locals, which a handler sees as they were, like any other path.)
     */
    private static BitSet flushPoints(AbstractInsnNode[] insns, Map<AbstractInsnNode, Integer> index, Site site,
                                      List<Site> sites) {
        BitSet points = new BitSet();
        java.util.Set<AbstractInsnNode> siteCalls = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Site other : sites) { // another site records: its run code goes before its owned node's load
            siteCalls.add(other.call);
            if (other != site) {
                points.set(index.get(other.ownedLoad));
            }
        }
        for (int i = 0; i < insns.length; i++) {
            AbstractInsnNode n = insns[i];
            if (siteCalls.contains(n) || n == site.accumulatorLoad) {
                continue;
            }
            if (n instanceof InvokeDynamicInsnNode d && !d.bsm.equals(TwinMethodAdapter.LINK_FIELD)
                    || n instanceof MethodInsnNode c && !neutral(c)) {
                points.set(i);
            } else if (n.getOpcode() == Opcodes.LLOAD && ((VarInsnNode) n).var == site.accumulator) {
                points.set(i);
            }
        }
        return points;
    }

    private static boolean neutral(MethodInsnNode c) {
        if (c.owner.equals(OPS)) {
            return NEUTRAL_OPS.contains(c.name);
        }
        if (c.owner.equals(TAPE)) {
            return NEUTRAL_TAPE.contains(c.name);
        }
        return c.getOpcode() == Opcodes.INVOKESTATIC && (NEUTRAL_CLASSES.contains(c.owner)
                || c.owner.equals("java/util/Objects") && c.name.equals("requireNonNull") // javac's null checks
                && !c.desc.contains("Supplier"));
    }

    /** Whether {@code n} stores into local {@code var} (a long's two slots) or a local overlapping it. */
    private static boolean overwrites(AbstractInsnNode n, int var) {
        if (!(n instanceof VarInsnNode v)) {
            return false;
        }
        return switch (n.getOpcode()) {
            case Opcodes.LSTORE, Opcodes.DSTORE -> v.var >= var - 1 && v.var <= var + 1;
            case Opcodes.ISTORE, Opcodes.FSTORE, Opcodes.ASTORE -> v.var == var || v.var == var + 1;
            default -> false;
        };
    }

    /**
     * The instructions reachable from {@code from} in one or more steps along {@code edges} without passing through
     * {@code blocked}: {@code from} itself among them when a loop through it never ends the run.
     */
    private static BitSet reach(int from, List<List<Integer>> edges, BitSet blocked) {
        BitSet seen = new BitSet();
        ArrayDeque<Integer> work = new ArrayDeque<>(edges.get(from));
        while (!work.isEmpty()) {
            int i = work.pop();
            if (!seen.get(i) && !blocked.get(i)) {
                seen.set(i);
                work.addAll(edges.get(i));
            }
        }
        return seen;
    }

    /**
     * The locals of one run and the code that drives it. {@code side} is the local holding the side tape of a side run
     * (another sum of the loop of a run), and {@code sideTape} which of the tape's side tapes it is; -1 for a run at the
     * tape's cursor.
     */
    private record Run(Site site, int cursor, int open, int sum, int side, int sideTape) {
        /** Method entry: no run. */
        InsnList init() {
            InsnList l = new InsnList();
            l.add(new InsnNode(Opcodes.ICONST_M1));
            l.add(new VarInsnNode(Opcodes.ISTORE, cursor));
            l.add(new InsnNode(Opcodes.ICONST_0));
            l.add(new VarInsnNode(Opcodes.ISTORE, open));
            l.add(new InsnNode(Opcodes.DCONST_0));
            l.add(new VarInsnNode(Opcodes.DSTORE, sum));
            if (side >= 0) {
                l.add(new InsnNode(Opcodes.ACONST_NULL));
                l.add(new VarInsnNode(Opcodes.ASTORE, side));
            }
            return l;
        }

        /** {@code if (cursor >= 0) { acc = t.runEnd(open, cursor, sum); cursor = -1; }} */
        InsnList end() {
            InsnList l = new InsnList();
            LabelNode none = new LabelNode();
            l.add(new VarInsnNode(Opcodes.ILOAD, cursor));
            l.add(new JumpInsnNode(Opcodes.IFLT, none));
            publish(l);
            l.add(new InsnNode(Opcodes.ICONST_M1));
            l.add(new VarInsnNode(Opcodes.ISTORE, cursor));
            l.add(none);
            return l;
        }

        /** {@code acc = t.runEnd(open, cursor, sum)}, for a side run {@code acc = t.sideEnd(side, cursor, sum)} */
        private void publish(InsnList l) {
            l.add(new VarInsnNode(Opcodes.ALOAD, site.tape));
            if (side >= 0) {
                l.add(new VarInsnNode(Opcodes.ALOAD, side));
                l.add(new VarInsnNode(Opcodes.ILOAD, cursor));
                l.add(new VarInsnNode(Opcodes.DLOAD, sum));
                l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, TAPE, "sideEnd", "(" + TAPE_DESC + "ID)J", false));
            } else {
                l.add(new VarInsnNode(Opcodes.ILOAD, open));
                l.add(new VarInsnNode(Opcodes.ILOAD, cursor));
                l.add(new VarInsnNode(Opcodes.DLOAD, sum));
                l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, TAPE, "runEnd", "(IID)J", false));
            }
            l.add(new VarInsnNode(Opcodes.LSTORE, site.accumulator));
        }

        /** {@code cursor = -1}: the local is overwritten, the run's sum is dead. */
        InsnList abandon() {
            InsnList l = new InsnList();
            l.add(new InsnNode(Opcodes.ICONST_M1));
            l.add(new VarInsnNode(Opcodes.ISTORE, cursor));
            return l;
        }

        /**
         * The site, with the leaves and the owned node on the stack (the code kept small: the twins of small loop
         * methods must stay under the JIT's inlining limit):
         * <pre>
         *   if (cursor < 0) goto start;
         *   if (cursor - open <= MAX_ARITY - k) goto body;     // room for this iteration's k arguments
         *   acc = t.runEnd(open, cursor, sum);                 // the node is full: the next one takes it as argument
         * start:
         *   cursor = t.runOpen(acc); if (cursor < 0) goto usual; open = t.runFrom(); sum = t.runValue();
         * body:
         *   pop owned; cursor = pre$N$run(leaves..., sum, cursor, t); sum = t.runValue(); goto done;
         * usual:                                               // second-order recordings
         *   acc = pre$N(leaves..., owned, t); owned = Tape.owner(acc)
         * done:
         * </pre>
         */
        void replaceSite(InsnList insns) {
            int k = site.tree.leaves() - 1; // arguments per iteration at most (the accumulator is not one)
            int target = side >= 0 ? side : site.tape; // the tape the run writes its arguments to
            LabelNode usual = new LabelNode(), start = new LabelNode(), body = new LabelNode(), done = new LabelNode();
            InsnList l = new InsnList();
            l.add(new VarInsnNode(Opcodes.ILOAD, cursor));
            l.add(new JumpInsnNode(Opcodes.IFLT, start));
            l.add(new VarInsnNode(Opcodes.ILOAD, cursor));
            l.add(new VarInsnNode(Opcodes.ILOAD, open));
            l.add(new InsnNode(Opcodes.ISUB));
            l.add(new IntInsnNode(Opcodes.BIPUSH, MAX_ARITY - k));
            l.add(new JumpInsnNode(Opcodes.IF_ICMPLE, body));
            if (side >= 0) { // the side tape's arrays grow; its nodes are made where the run ends
                l.add(new VarInsnNode(Opcodes.ALOAD, side));
                l.add(new VarInsnNode(Opcodes.ILOAD, cursor));
                l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, TAPE, "sideRoom", "(I)I", false));
                l.add(new VarInsnNode(Opcodes.ISTORE, open));
                l.add(new JumpInsnNode(Opcodes.GOTO, body));
                l.add(start);
                l.add(new VarInsnNode(Opcodes.ALOAD, site.tape));
                l.add(new VarInsnNode(Opcodes.LLOAD, site.accumulator));
                l.add(new IntInsnNode(Opcodes.BIPUSH, sideTape));
                l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, TAPE, "sideOpen", "(JI)" + TAPE_DESC, false));
                l.add(new InsnNode(Opcodes.DUP));
                l.add(new VarInsnNode(Opcodes.ASTORE, side));
                l.add(new JumpInsnNode(Opcodes.IFNULL, usual));
                l.add(new InsnNode(Opcodes.ICONST_0));
                l.add(new VarInsnNode(Opcodes.ISTORE, open));
                l.add(new VarInsnNode(Opcodes.ALOAD, side));
                l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, TAPE, "runFrom", "()I", false));
                l.add(new VarInsnNode(Opcodes.ISTORE, cursor));
            } else {
                publish(l);
                l.add(start);
                l.add(new VarInsnNode(Opcodes.ALOAD, site.tape));
                l.add(new VarInsnNode(Opcodes.LLOAD, site.accumulator));
                l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, TAPE, "runOpen", "(J)I", false));
                l.add(new InsnNode(Opcodes.DUP));
                l.add(new VarInsnNode(Opcodes.ISTORE, cursor));
                l.add(new JumpInsnNode(Opcodes.IFLT, usual));
                l.add(new VarInsnNode(Opcodes.ALOAD, site.tape));
                l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, TAPE, "runFrom", "()I", false));
                l.add(new VarInsnNode(Opcodes.ISTORE, open));
            }
            l.add(new VarInsnNode(Opcodes.ALOAD, target));
            l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, TAPE, "runValue", "()D", false));
            l.add(new VarInsnNode(Opcodes.DSTORE, sum));
            l.add(body);
            l.add(new InsnNode(Opcodes.POP)); // the owned node: the usual path's
            l.add(new VarInsnNode(Opcodes.DLOAD, sum));
            l.add(new VarInsnNode(Opcodes.ILOAD, cursor));
            l.add(new VarInsnNode(Opcodes.ALOAD, target));
            l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, site.call.owner, Preaccumulation.runName(site.call.name),
                    Preaccumulation.runDescriptor(site.tree.leaves()), false));
            l.add(new VarInsnNode(Opcodes.ISTORE, cursor));
            l.add(new VarInsnNode(Opcodes.ALOAD, target));
            l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, TAPE, "runValue", "()D", false));
            l.add(new VarInsnNode(Opcodes.DSTORE, sum));
            l.add(new JumpInsnNode(Opcodes.GOTO, done));
            l.add(usual); // the original code: ALOAD tape, the call, owned = Tape.owner(acc), the store
            insns.insertBefore(site.tapeLoad, l);
            insns.insert(site.last, done);
        }
    }
}
