package io.adjoint.agent.twin;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicInterpreter;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.Interpreter;
import org.objectweb.asm.tree.analysis.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scalar replacement of an object that does not escape the method (after {@link Inlining}, {@code a.minus(b)} leaves a
 * {@code new Vec3(...)} whose only uses are field reads): its fields become locals, so the allocation, the
 * constructor's twin branch and the field shadows disappear, and {@link Preaccumulation} folds the arithmetic that
 * flowed through the object into one node.
 *
 * <p>An allocation {@code new C} qualifies only when all of this holds, else it stays:
 * <ul>
 *   <li>C extends Object directly, declares no finaliser and no static initialiser, and every constructor the site
 *       calls is trivial: {@code super()} then parameters stored into C's own fields, each at most once;</li>
 *   <li>every use of a value that may be this object is a local load or store, {@code DUP}, {@code POP}, the
 *       constructor call, {@code Objects.requireNonNull} (the null check of an inlined call) or a read of one of C's
 *       fields, and at each of them the value is certainly this object (never "this object or another one");</li>
 *   <li>no reference to an earlier object of the same site is live where the site executes again (a loop), so one set
 *       of locals holds the fields of the only object of the site that can still be reached.</li>
 * </ul>
 */
final class ScalarReplacement {
    /** Rounds at most (each replaces one allocation site and analyses the method again). */
    private static final int MAX_SITES = 16;
    private static final String REQUIRE_NON_NULL = "java/util/Objects.requireNonNull(Ljava/lang/Object;)Ljava/lang/Object;";

    private final Inlining classes;

    ScalarReplacement(Inlining classes) {
        this.classes = classes;
    }

    /** Replaces the qualifying allocations of {@code m}; true if any. */
    boolean rewrite(String owner, MethodNode m) throws AnalyzerException {
        boolean changed = false;
        for (int round = 0; round < MAX_SITES; round++) {
            boolean any = false;
            for (AbstractInsnNode n : m.instructions) {
                any |= n.getOpcode() == Opcodes.NEW;
            }
            if (!any) {
                break;
            }
            Analysis a = new Analysis(owner, m);
            Candidate c = a.firstCandidate();
            if (c == null) {
                break;
            }
            a.replace(c);
            changed = true;
        }
        return changed;
    }

    // ---- values: the allocation sites a reference may come from --------------------------------------

    /** Stands for "some reference not made by a NEW of this method" in a value's set of sources. */
    private static final AbstractInsnNode OTHER = new InsnNode(Opcodes.NOP);

    private static final class V implements Value {
        final BasicValue basic;
        final Set<AbstractInsnNode> from;

        V(BasicValue basic, Set<AbstractInsnNode> from) {
            this.basic = basic;
            this.from = from;
        }

        @Override
        public int getSize() {
            return basic.getSize();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof V v && v.basic.equals(basic) && v.from.equals(from);
        }

        @Override
        public int hashCode() {
            return basic.hashCode() * 31 + from.hashCode();
        }
    }

    /** Tracks allocation sites through locals and the stack; records every instruction that consumes a reference. */
    private static final class Sources extends Interpreter<V> {
        final BasicInterpreter basic = new BasicInterpreter();
        /** instruction -> operand index -> the sources seen there (a union over the analysis' iterations) */
        final Map<AbstractInsnNode, Map<Integer, Set<AbstractInsnNode>>> uses = new IdentityHashMap<>();

        Sources() {
            super(Opcodes.ASM9);
        }

        private V wrap(BasicValue b, Set<AbstractInsnNode> from) {
            return b == null ? null : new V(b, b.isReference() ? from : Set.of());
        }

        private void use(AbstractInsnNode insn, int operand, V v) {
            if (!v.from.isEmpty()) {
                uses.computeIfAbsent(insn, k -> new HashMap<>()).computeIfAbsent(operand, k -> new HashSet<>())
                        .addAll(v.from);
            }
        }

        @Override
        public V newValue(Type type) {
            return wrap(basic.newValue(type), Set.of(OTHER));
        }

        @Override
        public V newOperation(AbstractInsnNode insn) throws AnalyzerException {
            return wrap(basic.newOperation(insn), insn.getOpcode() == Opcodes.NEW ? Set.of(insn) : Set.of(OTHER));
        }

        @Override
        public V copyOperation(AbstractInsnNode insn, V value) throws AnalyzerException {
            use(insn, 0, value);
            return new V(basic.copyOperation(insn, value.basic), value.from);
        }

        @Override
        public V unaryOperation(AbstractInsnNode insn, V value) throws AnalyzerException {
            use(insn, 0, value);
            return wrap(basic.unaryOperation(insn, value.basic), Set.of(OTHER));
        }

        @Override
        public V binaryOperation(AbstractInsnNode insn, V a, V b) throws AnalyzerException {
            use(insn, 0, a);
            use(insn, 1, b);
            return wrap(basic.binaryOperation(insn, a.basic, b.basic), Set.of(OTHER));
        }

        @Override
        public V ternaryOperation(AbstractInsnNode insn, V a, V b, V c) throws AnalyzerException {
            use(insn, 0, a);
            use(insn, 1, b);
            use(insn, 2, c);
            return wrap(basic.ternaryOperation(insn, a.basic, b.basic, c.basic), Set.of(OTHER));
        }

        @Override
        public V naryOperation(AbstractInsnNode insn, List<? extends V> values) throws AnalyzerException {
            List<BasicValue> b = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                use(insn, i, values.get(i));
                b.add(values.get(i).basic);
            }
            BasicValue r = basic.naryOperation(insn, b);
            boolean nullCheck = insn instanceof MethodInsnNode m && (m.owner + "." + m.name + m.desc).equals(REQUIRE_NON_NULL);
            return wrap(r, nullCheck ? values.get(0).from : Set.of(OTHER)); // requireNonNull(x) is x
        }

        @Override
        public void returnOperation(AbstractInsnNode insn, V value, V expected) {
            use(insn, 0, value);
        }

        @Override
        public V merge(V a, V b) {
            BasicValue m = basic.merge(a.basic, b.basic);
            if (m.equals(a.basic) && a.from.containsAll(b.from)) {
                return a;
            }
            Set<AbstractInsnNode> from = new HashSet<>(a.from);
            from.addAll(b.from);
            return new V(m, from);
        }
    }

    /** A site that qualifies: the NEW, its class, and for each constructor descriptor the field each parameter sets. */
    private record Candidate(TypeInsnNode site, ClassNode type, Map<String, String[]> constructors) {
    }

    private final class Analysis {
        final MethodNode m;
        final AbstractInsnNode[] insns;
        final Frame<V>[] frames;
        final Sources sources = new Sources();
        final Map<Integer, List<Integer>> successors = new HashMap<>();
        final Map<Integer, List<Integer>> handlers = new HashMap<>();

        Analysis(String owner, MethodNode m) throws AnalyzerException {
            this.m = m;
            this.insns = m.instructions.toArray();
            this.frames = new Analyzer<>(sources) {
                @Override
                protected void newControlFlowEdge(int insn, int successor) {
                    successors.computeIfAbsent(insn, k -> new ArrayList<>()).add(successor);
                }

                @Override
                protected boolean newControlFlowExceptionEdge(int insn, int successor) {
                    handlers.computeIfAbsent(insn, k -> new ArrayList<>()).add(successor);
                    return true;
                }
            }.analyze(owner, m);
        }

        Candidate firstCandidate() {
            for (int i = 0; i < insns.length; i++) {
                if (insns[i].getOpcode() == Opcodes.NEW && frames[i] != null) {
                    Candidate c = candidate(i);
                    if (c != null) {
                        return c;
                    }
                }
            }
            return null;
        }

        private Candidate candidate(int s) {
            TypeInsnNode site = (TypeInsnNode) insns[s];
            ClassNode c = classes.classNode(site.desc);
            if (c == null || !"java/lang/Object".equals(c.superName)
                    || (c.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE)) != 0
                    || Inlining.declared(c, "finalize", "()V") != null || Inlining.declared(c, "<clinit>", "()V") != null) {
                return null;
            }
            Map<String, String[]> constructors = new HashMap<>();
            for (int i = 0; i < insns.length; i++) {
                Map<Integer, Set<AbstractInsnNode>> u = sources.uses.get(insns[i]);
                if (u == null) {
                    continue;
                }
                for (Map.Entry<Integer, Set<AbstractInsnNode>> e : u.entrySet()) {
                    if (!e.getValue().contains(site)) {
                        continue;
                    }
                    if (e.getValue().size() != 1 || !allowed(insns[i], e.getKey(), c, constructors)) {
                        return null;
                    }
                }
            }
            // stack shuffles the interpreter does not see as uses
            for (int i = 0; i < insns.length; i++) {
                int op = insns[i].getOpcode();
                Frame<V> f = frames[i];
                if (f == null || !(op == Opcodes.POP || (op >= Opcodes.POP2 && op <= Opcodes.SWAP && op != Opcodes.DUP))) {
                    continue;
                }
                for (int k = 0; k < Math.min(op == Opcodes.POP ? 1 : 4, f.getStackSize()); k++) {
                    Set<AbstractInsnNode> from = f.getStack(f.getStackSize() - 1 - k).from;
                    if (from.contains(site) && (op != Opcodes.POP || from.size() != 1)) {
                        return null; // moved by DUP_X1, DUP2, SWAP...: not followed, so not replaced
                    }
                }
            }
            // where the site runs again, no reference to its previous object may be reachable
            Frame<V> f = frames[s];
            for (int k = 0; k < f.getStackSize(); k++) {
                if (f.getStack(k).from.contains(site)) {
                    return null;
                }
            }
            for (int v = 0; v < f.getLocals(); v++) {
                if (f.getLocal(v).from.contains(site) && live(s, v)) {
                    return null;
                }
            }
            return new Candidate(site, c, constructors);
        }

        /** Whether instruction {@code insn} may consume the object as its operand {@code operand}. */
        private boolean allowed(AbstractInsnNode insn, int operand, ClassNode c, Map<String, String[]> constructors) {
            switch (insn.getOpcode()) {
                case Opcodes.ALOAD, Opcodes.ASTORE, Opcodes.DUP -> {
                    return true;
                }
                case Opcodes.GETFIELD -> {
                    FieldInsnNode f = (FieldInsnNode) insn;
                    return f.owner.equals(c.name) && field(c, f.name, f.desc) != null;
                }
                case Opcodes.INVOKESTATIC -> {
                    MethodInsnNode mi = (MethodInsnNode) insn;
                    return (mi.owner + "." + mi.name + mi.desc).equals(REQUIRE_NON_NULL);
                }
                case Opcodes.INVOKESPECIAL -> {
                    MethodInsnNode mi = (MethodInsnNode) insn;
                    if (operand != 0 || !mi.name.equals("<init>") || !mi.owner.equals(c.name)) {
                        return false;
                    }
                    String[] fields = constructors.containsKey(mi.desc) ? constructors.get(mi.desc) : trivial(c, mi.desc);
                    constructors.put(mi.desc, fields);
                    return fields != null;
                }
                default -> {
                    return false;
                }
            }
        }

        /** Whether local {@code v} may be read after instruction {@code s} before it is written again. */
        private boolean live(int s, int v) {
            Set<Integer> seen = new HashSet<>();
            List<Integer> work = new ArrayList<>();
            work.addAll(successors.getOrDefault(s, List.of()));
            work.addAll(handlers.getOrDefault(s, List.of()));
            while (!work.isEmpty()) {
                int i = work.remove(work.size() - 1);
                if (!seen.add(i)) {
                    continue;
                }
                AbstractInsnNode n = insns[i];
                if ((n instanceof VarInsnNode x && x.var == v && x.getOpcode() <= Opcodes.ALOAD)
                        || (n instanceof IincInsnNode y && y.var == v) || n.getOpcode() == Opcodes.RET) {
                    return true;
                }
                work.addAll(handlers.getOrDefault(i, List.of())); // a handler sees the local as it was before
                boolean writes = n instanceof VarInsnNode w && w.var == v && w.getOpcode() >= Opcodes.ISTORE;
                if (!writes) {
                    work.addAll(successors.getOrDefault(i, List.of()));
                }
            }
            return false;
        }

        /** Rewrites the site: its fields become fresh locals, the object's instructions disappear. */
        void replace(Candidate c) {
            Map<String, Integer> local = new LinkedHashMap<>(); // field name -> local
            Map<String, Type> types = new HashMap<>();
            for (FieldNode f : c.type.fields) {
                if ((f.access & Opcodes.ACC_STATIC) == 0) {
                    local.put(f.name, m.maxLocals);
                    types.put(f.name, Type.getType(f.desc));
                    m.maxLocals += Type.getType(f.desc).getSize();
                }
            }
            for (int i = 0; i < insns.length; i++) {
                AbstractInsnNode n = insns[i];
                if (n == c.site) {
                    m.instructions.remove(n);
                    continue;
                }
                Frame<V> f = frames[i];
                if (f == null) {
                    continue;
                }
                int op = n.getOpcode();
                if (op == Opcodes.POP && f.getStack(f.getStackSize() - 1).from.contains(c.site)) {
                    m.instructions.remove(n);
                    continue;
                }
                Map<Integer, Set<AbstractInsnNode>> u = sources.uses.get(n);
                if (u == null || !u.getOrDefault(0, Set.of()).contains(c.site)) {
                    continue;
                }
                switch (op) {
                    case Opcodes.ALOAD, Opcodes.ASTORE, Opcodes.DUP, Opcodes.INVOKESTATIC -> m.instructions.remove(n);
                    case Opcodes.GETFIELD -> {
                        FieldInsnNode g = (FieldInsnNode) n;
                        m.instructions.set(n, new VarInsnNode(types.get(g.name).getOpcode(Opcodes.ILOAD),
                                local.get(g.name)));
                    }
                    case Opcodes.INVOKESPECIAL -> {
                        MethodInsnNode init = (MethodInsnNode) n;
                        String[] fields = c.constructors.get(init.desc);
                        Type[] params = Type.getArgumentTypes(init.desc);
                        InsnList stores = new InsnList();
                        for (int p = params.length - 1; p >= 0; p--) {
                            if (fields[p] != null) {
                                stores.add(new VarInsnNode(params[p].getOpcode(Opcodes.ISTORE), local.get(fields[p])));
                            } else {
                                stores.add(new InsnNode(params[p].getSize() == 2 ? Opcodes.POP2 : Opcodes.POP));
                            }
                        }
                        Set<String> set = new HashSet<>(java.util.Arrays.asList(fields));
                        for (Map.Entry<String, Integer> e : local.entrySet()) {
                            if (!set.contains(e.getKey())) { // the default value the object would have had
                                Type t = types.get(e.getKey());
                                stores.add(new InsnNode(defaultValue(t)));
                                stores.add(new VarInsnNode(t.getOpcode(Opcodes.ISTORE), e.getValue()));
                            }
                        }
                        m.instructions.insertBefore(n, stores);
                        m.instructions.remove(n);
                    }
                    default -> throw new IllegalStateException("use " + op); // firstCandidate allowed no other
                }
            }
        }
    }

    private static int defaultValue(Type t) {
        return switch (t.getSort()) {
            case Type.LONG -> Opcodes.LCONST_0;
            case Type.DOUBLE -> Opcodes.DCONST_0;
            case Type.FLOAT -> Opcodes.FCONST_0;
            case Type.OBJECT, Type.ARRAY -> Opcodes.ACONST_NULL;
            default -> Opcodes.ICONST_0;
        };
    }

    private static FieldNode field(ClassNode c, String name, String desc) {
        for (FieldNode f : c.fields) {
            if (f.name.equals(name) && f.desc.equals(desc) && (f.access & Opcodes.ACC_STATIC) == 0) {
                return f;
            }
        }
        return null;
    }

    /**
     * For a trivial constructor of {@code c} ({@code super()}, then parameters stored into c's own fields, each field
     * and each parameter at most once, types equal): the field each parameter is stored into (or null); else null.
     */
    private static String[] trivial(ClassNode c, String desc) {
        org.objectweb.asm.tree.MethodNode init = Inlining.declared(c, "<init>", desc);
        if (init == null || !init.tryCatchBlocks.isEmpty()) {
            return null;
        }
        List<AbstractInsnNode> code = new ArrayList<>();
        for (AbstractInsnNode n : init.instructions) {
            if (n.getOpcode() >= 0) {
                code.add(n);
            }
        }
        Type[] params = Type.getArgumentTypes(desc);
        Map<Integer, Integer> paramAt = new HashMap<>(); // local -> parameter index
        for (int i = 0, slot = 1; i < params.length; slot += params[i].getSize(), i++) {
            paramAt.put(slot, i);
        }
        if (code.size() < 3 || (code.size() - 3) % 3 != 0 || !isLoadThis(code.get(0))
                || !(code.get(1) instanceof MethodInsnNode sup) || sup.getOpcode() != Opcodes.INVOKESPECIAL
                || !sup.owner.equals("java/lang/Object") || !sup.name.equals("<init>") || !sup.desc.equals("()V")
                || code.get(code.size() - 1).getOpcode() != Opcodes.RETURN) {
            return null;
        }
        String[] fields = new String[params.length];
        Set<String> assigned = new HashSet<>();
        for (int k = 2; k + 3 <= code.size() - 1; k += 3) {
            if (!isLoadThis(code.get(k)) || !(code.get(k + 1) instanceof VarInsnNode load)
                    || !(code.get(k + 2) instanceof FieldInsnNode put) || put.getOpcode() != Opcodes.PUTFIELD
                    || !put.owner.equals(c.name) || field(c, put.name, put.desc) == null) {
                return null;
            }
            Integer p = paramAt.get(load.var);
            if (p == null || fields[p] != null || !assigned.add(put.name) || !params[p].getDescriptor().equals(put.desc)
                    || load.getOpcode() != params[p].getOpcode(Opcodes.ILOAD)) {
                return null;
            }
            fields[p] = put.name;
        }
        return fields;
    }

    private static boolean isLoadThis(AbstractInsnNode n) {
        return n instanceof VarInsnNode v && v.getOpcode() == Opcodes.ALOAD && v.var == 0;
    }
}
