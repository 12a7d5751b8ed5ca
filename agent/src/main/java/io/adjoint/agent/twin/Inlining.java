package io.adjoint.agent.twin;

import io.adjoint.internal.LibraryRules;
import io.adjoint.internal.Primitives;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.MultiANewArrayInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicInterpreter;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Inlining of small callees into a method before it becomes a twin, so that {@link Preaccumulation} sees one basic
 * block where the source has {@code a.minus(b).dot(...)}, then scalar replacement of objects that do not escape
 * ({@link ScalarReplacement}). Everything here is refused at the first doubt: the call then stays a call, linked as
 * before, which is always correct.
 *
 * <p><b>What is inlined</b>: calls that can reach exactly one method, known from class files alone (never by loading a
 * class): {@code invokestatic} of a method declared by the owner, {@code invokespecial} of a private method,
 * {@code invokevirtual} of a method declared by the owner that is private or final or whose class is final. The callee
 * must be small, without loops, switches, exception handlers, monitors, subroutines, {@code invokedynamic}, super calls, recursion or a
 * rule of its own (the rule table, Math-like classes), in a class Adjoint instruments and that is not {@code report=}ed;
 * everything it touches must be accessible from the caller's companion (a hidden nestmate of the caller's host): any
 * member of a class of the host's nest, else only public members of public classes. A callee of another class with a
 * static initialiser is not inlined from a static call (the call would have initialised it).
 *
 * <p><b>How</b>: the arguments are stored into fresh locals, the receiver of an instance call is checked against null
 * ({@code Objects.requireNonNull}, the NullPointerException the call would have thrown), the callee's code follows with
 * its locals moved past the caller's and its returns turned into jumps to the end. Its line numbers are kept, and a
 * {@link Site} marker tells {@link TwinMethodAdapter} whose code follows, so messages name the callee's class, method
 * and line, as they would without inlining.
 */
final class Inlining {
    /** On unless -Dadjoint.inline=false (to compare, or to rule it out). */
    static final boolean ENABLED = !"false".equals(System.getProperty("adjoint.inline"));
    /** Instructions of one callee at most (real ones, not labels or line numbers). */
    private static final int MAX_CALLEE = 64;
    /** Instructions added to one method at most. */
    private static final int MAX_GROWTH = 1500;
    /**
     * A method grows to this many instructions at most: its twin must stay well below the JIT's limit (HotSpot never
     * compiles a method of more than 8000 bytes of bytecode), and a twin takes several bytes per original instruction.
     */
    private static final int MAX_METHOD = 800;
    /** Nested inlining at most this deep. */
    private static final int MAX_DEPTH = 3;

    /**
     * Marks the start of code that belongs to {@code where} (a "pkg.Class.method" of the original program) in source
     * file {@code sourceFile}: the start of an inlined callee, or the caller's code again after it.
     */
    static final class Site extends LabelNode {
        final String where;
        final String sourceFile;

        Site(String where, String sourceFile) {
            this.where = where;
            this.sourceFile = sourceFile;
        }

        @Override
        public void accept(MethodVisitor mv) {
            if (mv instanceof TwinMethodAdapter t) {
                t.codeOf(where, sourceFile);
            }
            super.accept(mv);
        }

        @Override
        public AbstractInsnNode clone(Map<LabelNode, LabelNode> clonedLabels) {
            return clonedLabels.get(this);
        }
    }

    private final ClassNode host;
    private final String hostNest;
    private final ClassHierarchy hierarchy;
    private final ClassLoader loader;
    private final BiPredicate<String, String> mayInline;
    private final Map<String, Optional<ClassNode>> classes = new HashMap<>();

    /**
     * @param hostBytes the host's class file (its methods are read from here, unchanged by twin generation)
     * @param mayInline whether a method (dotted class name, method name) may be inlined at all: the agent's
     *                  options (instrumented classes, report= methods)
     */
    Inlining(byte[] hostBytes, ClassHierarchy hierarchy, ClassLoader loader, BiPredicate<String, String> mayInline) {
        ClassNode h = new ClassNode(Opcodes.ASM9);
        new ClassReader(hostBytes).accept(h, ClassReader.SKIP_FRAMES);
        this.host = h;
        this.hierarchy = hierarchy;
        this.loader = loader;
        this.mayInline = mayInline;
        classes.put(h.name, Optional.of(h));
        this.hostNest = h.nestHostClass != null ? h.nestHostClass : h.name;
    }

    /** Where a call sits: the chain of methods inlined into each other down to it, and whose code it is. */
    private record Context(List<String> chain, String where, String sourceFile) {
    }

    /** Rewrites {@code m} in place; leaves it untouched if anything goes wrong. */
    void rewrite(MethodNode m) {
        if (!ENABLED || m.instructions.size() == 0) {
            return;
        }
        MethodNode work = copy(m);
        try {
            boolean changed = inlineCalls(work);
            changed |= new ScalarReplacement(this).rewrite(host.name, work);
            if (changed) {
                adopt(m, work);
            }
        } catch (AnalyzerException | RuntimeException e) {
            // keep the original method: every call stays a call
        }
    }

    private boolean inlineCalls(MethodNode m) throws AnalyzerException {
        Map<AbstractInsnNode, Context> contexts = new IdentityHashMap<>();
        Context top = new Context(List.of(key(host.name, m.name, m.desc)), dotted(host.name) + "." + m.name,
                host.sourceFile);
        int growth = 0;
        for (AbstractInsnNode n : m.instructions) {
            growth += n.getOpcode() >= 0 ? 1 : 0; // the method's own size counts against MAX_METHOD
        }
        int limit = Math.min(growth + MAX_GROWTH, MAX_METHOD);
        boolean changed = false;
        for (AbstractInsnNode n = m.instructions.getFirst(); n != null; ) {
            AbstractInsnNode next = n.getNext();
            if (n instanceof MethodInsnNode call) {
                Context ctx = contexts.getOrDefault(call, top);
                Target t = ctx.chain.size() > MAX_DEPTH ? null : resolve(call, ctx.chain);
                if (t != null && growth + t.size <= limit) {
                    InsnList body = instantiate(call, t, m, ctx, contexts);
                    growth += t.size;
                    next = body.getFirst();
                    m.instructions.insert(call, body);
                    m.instructions.remove(call);
                    changed = true;
                }
            }
            n = next;
        }
        return changed;
    }

    /** A call's one possible target. */
    private record Target(ClassNode owner, MethodNode method, boolean isStatic, int size) {
    }

    private Target resolve(MethodInsnNode call, List<String> chain) throws AnalyzerException {
        if (call.name.startsWith("<") || call.itf || call.owner.startsWith("[")) {
            return null;
        }
        ClassNode c = classNode(call.owner);
        if (c == null || (c.access & (Opcodes.ACC_INTERFACE | Opcodes.ACC_MODULE)) != 0 || !exported(c.name)
                || c.name.startsWith("java/") || c.name.startsWith("javax/")
                || !mayInline.test(dotted(c.name), call.name) || hasRule(call)) {
            return null;
        }
        MethodNode callee = declared(c, call.name, call.desc);
        if (callee == null || chain.contains(key(c.name, callee.name, callee.desc))) {
            return null;
        }
        int a = callee.access;
        boolean isStatic = (a & Opcodes.ACC_STATIC) != 0;
        if ((a & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_SYNCHRONIZED)) != 0) {
            return null;
        }
        switch (call.getOpcode()) {
            case Opcodes.INVOKESTATIC -> {
                // the call would initialise another class: only when that has nothing to run
                if (!isStatic || (!c.name.equals(host.name) && declared(c, "<clinit>", "()V") != null)) {
                    return null;
                }
            }
            case Opcodes.INVOKESPECIAL -> { // private methods only (super calls select by the calling class)
                if (isStatic || (a & Opcodes.ACC_PRIVATE) == 0) {
                    return null;
                }
            }
            case Opcodes.INVOKEVIRTUAL -> { // exactly one method can be selected
                if (isStatic || (a & (Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL)) == 0
                        && (c.access & Opcodes.ACC_FINAL) == 0) {
                    return null;
                }
            }
            default -> {
                return null;
            }
        }
        if (!accessible(c, a)) {
            return null;
        }
        int size = small(c, callee);
        return size < 0 ? null : new Target(c, callee, isStatic, size);
    }

    /** Calls with a rule of their own are linked to that rule, never inlined. */
    private boolean hasRule(MethodInsnNode call) {
        return Primitives.lookup(call.owner, call.name, call.desc) != null
                || LibraryRules.link(call.owner, call.name, call.desc, loader) != null;
    }

    /**
     * The callee's number of instructions if it may be inlined: small, straight JVM code without handlers, monitors,
     * subroutines, invokedynamic or super calls, touching only what the companion may access, and with nothing on the
     * operand stack but the result where it returns. Else -1.
     */
    private int small(ClassNode c, MethodNode callee) throws AnalyzerException {
        if (!callee.tryCatchBlocks.isEmpty()) {
            return -1;
        }
        // no loops: a loop ends the caller's block anyway, so inlining it gains a call and costs a larger method for
        // the JIT (a loop-free rule keeps GMM and MLP twins as they were)
        for (AbstractInsnNode n : callee.instructions) {
            if (n instanceof JumpInsnNode j && callee.instructions.indexOf(j.label) < callee.instructions.indexOf(j)) {
                return -1;
            }
            if (n instanceof org.objectweb.asm.tree.TableSwitchInsnNode || n instanceof org.objectweb.asm.tree.LookupSwitchInsnNode) {
                return -1;
            }
        }
        int size = 0;
        for (AbstractInsnNode n : callee.instructions) {
            if (n.getOpcode() < 0) {
                continue;
            }
            if (++size > MAX_CALLEE) {
                return -1;
            }
            switch (n.getOpcode()) {
                case Opcodes.MONITORENTER, Opcodes.MONITOREXIT, Opcodes.JSR, Opcodes.RET, Opcodes.INVOKEDYNAMIC -> {
                    return -1;
                }
                default -> {
                }
            }
            if (!touchable(n)) {
                return -1;
            }
        }
        // at each return, the operand stack holds the result only (the caller's stack continues below it)
        Frame<BasicValue>[] frames = new Analyzer<>(new BasicInterpreter()).analyze(c.name, callee);
        AbstractInsnNode[] insns = callee.instructions.toArray();
        int result = Type.getReturnType(callee.desc).getSort() == Type.VOID ? 0 : 1;
        for (int i = 0; i < insns.length; i++) {
            int op = insns[i].getOpcode();
            if (op >= Opcodes.IRETURN && op <= Opcodes.RETURN && frames[i] != null
                    && frames[i].getStackSize() != result) {
                return -1;
            }
        }
        return size;
    }

    /** Whether the companion of the host may execute this instruction of another method as it stands. */
    private boolean touchable(AbstractInsnNode n) {
        if (n instanceof FieldInsnNode f) {
            return memberAccessible(f.owner, f.name, f.desc, true);
        }
        if (n instanceof MethodInsnNode m) {
            if (m.getOpcode() == Opcodes.INVOKESPECIAL && !m.name.equals("<init>")) {
                return false; // a super or private call: the calling class decides what it selects
            }
            return m.owner.startsWith("[") ? typeAccessible(Type.getType(m.owner))
                    : memberAccessible(m.owner, m.name, m.desc, false);
        }
        if (n instanceof TypeInsnNode t) {
            return typeAccessible(Type.getObjectType(t.desc));
        }
        if (n instanceof MultiANewArrayInsnNode t) {
            return typeAccessible(Type.getType(t.desc));
        }
        if (n instanceof LdcInsnNode l) {
            if (l.cst instanceof Type t) {
                return t.getSort() != Type.METHOD && typeAccessible(t);
            }
            return !(l.cst instanceof Handle) && !(l.cst instanceof org.objectweb.asm.ConstantDynamic);
        }
        return true;
    }

    private boolean typeAccessible(Type t) {
        if (t.getSort() == Type.ARRAY) {
            t = t.getElementType();
        }
        if (t.getSort() != Type.OBJECT) {
            return true;
        }
        ClassNode c = classNode(t.getInternalName());
        return c != null && (sameNest(c) || (c.access & Opcodes.ACC_PUBLIC) != 0 && exported(c.name));
    }

    /**
     * A field or method reference resolved through the superclasses of its owner (from class files): accessible when
     * it is declared in the host's nest, or public in a public class.
     */
    private boolean memberAccessible(String owner, String name, String desc, boolean field) {
        ClassNode o = classNode(owner);
        if (o == null || !typeAccessible(Type.getObjectType(owner))) {
            return false;
        }
        for (ClassNode c = o; c != null; c = c.superName == null ? null : classNode(c.superName)) {
            int access = -1;
            if (field) {
                for (FieldNode f : c.fields) {
                    if (f.name.equals(name) && f.desc.equals(desc)) {
                        access = f.access;
                    }
                }
            } else {
                MethodNode m = declared(c, name, desc);
                access = m == null ? -1 : m.access;
            }
            if (access != -1) {
                return accessible(c, access);
            }
        }
        return false; // from an interface, or not found: no guess
    }

    /** A member with these access flags declared in {@code c}, seen from the companion. */
    private boolean accessible(ClassNode c, int memberAccess) {
        return sameNest(c) || ((c.access & Opcodes.ACC_PUBLIC) != 0 && (memberAccess & Opcodes.ACC_PUBLIC) != 0
                && exported(c.name));
    }

    /** JDK-internal packages are not exported: no code of them is taken over. */
    private static boolean exported(String internalName) {
        return !(internalName.startsWith("jdk/") || internalName.startsWith("sun/")
                || internalName.startsWith("com/sun/"));
    }

    /** Whether {@code c} is a nestmate of the host (both named by the nest host, which lists them). */
    boolean sameNest(ClassNode c) {
        if (c.name.equals(host.name)) {
            return true;
        }
        String nest = c.nestHostClass != null ? c.nestHostClass : c.name;
        if (!nest.equals(hostNest)) {
            return false;
        }
        ClassNode n = classNode(nest);
        return n != null && n.nestHostClass == null
                && (nest.equals(c.name) || n.nestMembers != null && n.nestMembers.contains(c.name))
                && (nest.equals(host.name) || n.nestMembers != null && n.nestMembers.contains(host.name));
    }

    /**
     * The callee's code for this call: arguments into fresh locals, null check of the receiver, the body with its
     * locals moved past the caller's and returns turned into jumps to the end, framed by {@link Site} markers.
     */
    private InsnList instantiate(MethodInsnNode call, Target t, MethodNode m, Context ctx,
                                 Map<AbstractInsnNode, Context> contexts) {
        MethodNode callee = t.method;
        int base = m.maxLocals;
        m.maxLocals += Math.max(callee.maxLocals, 1);
        m.maxStack += callee.maxStack + 1;
        InsnList out = new InsnList();
        Type[] args = Type.getArgumentTypes(callee.desc);
        int[] local = new int[args.length];
        int next = base + (t.isStatic ? 0 : 1);
        for (int i = 0; i < args.length; i++) {
            local[i] = next;
            next += args[i].getSize();
        }
        for (int i = args.length - 1; i >= 0; i--) {
            out.add(new VarInsnNode(args[i].getOpcode(Opcodes.ISTORE), local[i]));
        }
        if (!t.isStatic) { // the NullPointerException the call would have thrown, before any of the callee's code
            out.add(new InsnNode(Opcodes.DUP));
            out.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/util/Objects", "requireNonNull",
                    "(Ljava/lang/Object;)Ljava/lang/Object;", false));
            out.add(new InsnNode(Opcodes.POP));
            out.add(new VarInsnNode(Opcodes.ASTORE, base));
        }
        String where = dotted(t.owner.name) + "." + callee.name;
        out.add(new Site(where, t.owner.sourceFile));
        Context inner = new Context(append(ctx.chain, key(t.owner.name, callee.name, callee.desc)), where,
                t.owner.sourceFile);
        Map<LabelNode, LabelNode> labels = new HashMap<>();
        for (AbstractInsnNode n : callee.instructions) {
            if (n instanceof LabelNode l) {
                labels.put(l, new LabelNode());
            }
        }
        LabelNode end = new LabelNode();
        AbstractInsnNode last = callee.instructions.getLast();
        while (last != null && last.getOpcode() < 0) {
            last = last.getPrevious();
        }
        boolean lines = false;
        for (AbstractInsnNode n : callee.instructions) {
            int op = n.getOpcode();
            if (n instanceof FrameNode) {
                continue;
            }
            lines |= n instanceof LineNumberNode;
            if (op >= Opcodes.IRETURN && op <= Opcodes.RETURN) {
                if (n != last) {
                    out.add(new JumpInsnNode(Opcodes.GOTO, end));
                }
                continue;
            }
            AbstractInsnNode c = n.clone(labels);
            if (c instanceof VarInsnNode v) {
                v.var += base;
            } else if (c instanceof IincInsnNode v) {
                v.var += base;
            } else if (c instanceof MethodInsnNode inner2) {
                contexts.put(inner2, inner);
            }
            out.add(c);
        }
        out.add(end);
        out.add(new Site(ctx.where, ctx.sourceFile)); // the caller's code again, at the caller's line
        LineNumberNode line = lineBefore(call);
        if (lines && line != null) {
            LabelNode at = new LabelNode();
            out.add(at);
            out.add(new LineNumberNode(line.line, at));
        }
        return out;
    }

    private static LineNumberNode lineBefore(AbstractInsnNode n) {
        for (AbstractInsnNode p = n.getPrevious(); p != null; p = p.getPrevious()) {
            if (p instanceof LineNumberNode l) {
                return l;
            }
        }
        return null;
    }

    // ---- class files ---------------------------------------------------------------------------------

    /** A class read from its class file through the host's loader (methods with code), or null. */
    ClassNode classNode(String internalName) {
        return classes.computeIfAbsent(internalName, n -> {
            byte[] b = hierarchy.bytes(n);
            if (b == null) {
                return Optional.empty();
            }
            try {
                ClassNode c = new ClassNode(Opcodes.ASM9);
                new ClassReader(b).accept(c, ClassReader.SKIP_FRAMES);
                return Optional.of(c);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }).orElse(null);
    }

    static MethodNode declared(ClassNode c, String name, String desc) {
        for (MethodNode m : c.methods) {
            if (m.name.equals(name) && m.desc.equals(desc)) {
                return m;
            }
        }
        return null;
    }

    private static String key(String owner, String name, String desc) {
        return owner + "." + name + desc;
    }

    private static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }

    private static List<String> append(List<String> list, String s) {
        List<String> out = new ArrayList<>(list);
        out.add(s);
        return out;
    }

    /** Gives {@code m} the code of {@code work}, a rewritten {@link #copy} of it. */
    static void adopt(MethodNode m, MethodNode work) {
        m.instructions = work.instructions;
        m.tryCatchBlocks = work.tryCatchBlocks;
        m.localVariables = work.localVariables;
        m.visibleLocalVariableAnnotations = null;
        m.invisibleLocalVariableAnnotations = null;
        m.maxLocals = work.maxLocals;
        m.maxStack = work.maxStack;
    }

    /** A copy of {@code m}'s code with labels of its own (the original stays intact until the copy is taken). */
    static MethodNode copy(MethodNode m) {
        MethodNode c = new MethodNode(Opcodes.ASM9, m.access, m.name, m.desc, m.signature, null);
        Map<LabelNode, LabelNode> labels = new HashMap<>();
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof LabelNode l) {
                labels.put(l, l instanceof Site s ? new Site(s.where, s.sourceFile) : new LabelNode());
            }
        }
        for (AbstractInsnNode n : m.instructions) {
            c.instructions.add(n.clone(labels));
        }
        for (TryCatchBlockNode t : m.tryCatchBlocks) {
            c.tryCatchBlocks.add(new TryCatchBlockNode(labels.get(t.start), labels.get(t.end), labels.get(t.handler),
                    t.type));
        }
        if (m.localVariables != null) {
            c.localVariables = new ArrayList<>();
            for (LocalVariableNode v : m.localVariables) {
                c.localVariables.add(new LocalVariableNode(v.name, v.desc, v.signature, labels.get(v.start),
                        labels.get(v.end), v.index));
            }
        }
        c.maxLocals = m.maxLocals;
        c.maxStack = m.maxStack;
        return c;
    }
}
