package io.adjoint.agent.host;

import io.adjoint.agent.AdjointAgent;
import io.adjoint.agent.AgentOptions;
import io.adjoint.agent.TestHooks;
import io.adjoint.agent.link.FieldShadows;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import io.adjoint.agent.twin.ClassHierarchy;
import io.adjoint.agent.twin.ConstructorBranches;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.BasicVerifier;
import org.objectweb.asm.tree.analysis.Frame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.HashMap;
import java.util.HashSet;

/**
 * The only change Adjoint makes to the application's own classes: a prologue at the start of each method.
 * <ul>
 *   <li>the <b>entry</b> prologue ({@link EntryHook}): while this thread records, a call arriving from
 *       uninstrumented code (JDK callbacks, lambda proxies, reflection) runs the method's twin instead;</li>
 *   <li>the <b>report</b> prologue ({@link io.adjoint.agent.report.ReportHook}), only on {@code report=} methods.</li>
 * </ul>
 * A class that cannot be transformed stays exactly as it was, with one line on stderr naming it and why; with
 * {@code verify=true} (the default) that includes a class whose transformed bytes would fail verification.
 */
public final class HostTransformer implements ClassFileTransformer {
    private static final String ENTRY_HOOK = "io/adjoint/agent/host/EntryHook";
    private static final String REPORT_HOOK = "io/adjoint/agent/report/ReportHook";
    private final AgentOptions options;
    private final Map<String, Set<String>> reported; // internal class name -> method names
    private final Map<ClassLoader, Boolean> seesAdjoint = Collections.synchronizedMap(new WeakHashMap<>());
    /** Prologue shapes whose code passed the check once ({@link #check}). */
    private final Set<String> verifiedShapes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public HostTransformer(AgentOptions options) {
        this.options = options;
        this.reported = new HashMap<>(); // no lambdas on the start-up path: the first one costs tens of ms
        for (String m : options.report()) {
            String owner = m.substring(0, m.indexOf('#')).replace('.', '/');
            reported.putIfAbsent(owner, new HashSet<>());
            reported.get(owner).add(m.substring(m.indexOf('#') + 1));
        }
    }

    /** Whether a loaded class is one this transformer would change (for retransformation after attach). */
    public boolean wants(Class<?> c) {
        return !c.isArray() && !c.isPrimitive() && !c.isHidden()
                && wants(c.getClassLoader(), c.getName().replace('.', '/'));
    }

    private boolean wants(ClassLoader loader, String className) {
        if (loader == null || !seesAdjoint(loader)) {
            return false;
        }
        return reported.containsKey(className) || options.instruments(className.replace('/', '.'));
    }

    /** The prologues call io.adjoint classes: only touch classes whose loader resolves them to ours. */
    private boolean seesAdjoint(ClassLoader loader) {
        Boolean sees = seesAdjoint.get(loader);
        if (sees == null) {
            try {
                sees = Class.forName(EntryHook.class.getName(), false, loader) == EntryHook.class;
            } catch (ClassNotFoundException | LinkageError e) {
                sees = false;
            }
            seesAdjoint.put(loader, sees);
        }
        return sees;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain pd,
                            byte[] bytes) {
        if (className == null || !wants(loader, className)) {
            return null;
        }
        String name = className.replace('/', '.');
        try {
            TestHooks.failTransform(name);
            String[] what = new String[1];
            // retransformation (self-attach) may not add fields: a class loaded before keeps the recording's map
            boolean shadowField = redefined == null || FieldShadows.hasShadowField(redefined);
            // nor methods: twin constructors only at the first load (or again, for a class that has them already)
            boolean twinConstructors = redefined == null || hasTwinConstructors(redefined);
            byte[] out = addPrologues(bytes, className, loader, what, shadowField, twinConstructors);
            if (out == null) {
                return null;
            }
            if (options.verify()) {
                check(out, className, verifiedShapes);
            }
            dump(className, out);
            AdjointAgent.verbose(what[0]);
            return out;
        } catch (Throwable e) {
            // the JVM keeps the class file it passed in: the class runs exactly as without the agent
            AdjointAgent.warnClass(name, "cannot instrument " + name + ": " + AdjointAgent.why(e) + "; it runs unchanged");
            return null;
        }
    }

    /**
     * What {@code verify=true} runs on every class file this transformer returns: it must parse, and its methods
     * must pass ASM's {@link BasicVerifier} (operand stack and local types) with an operand stack that fits
     * max_stack. A class file the JVM would reject must never reach it, or the class would fail to load: the
     * application would break. A method that only got prologues is checked once per prologue <em>shape</em>
     * (static or not, descriptor, class file features, which prologues, test hook): the rest of its code is
     * the original, and the prologue's code depends on nothing else. Constructors given twin branches are
     * always checked.
     */
    void check(byte[] classFile, String className, Set<String> verified) throws AnalyzerException {
        ClassNode node = new ClassNode(Opcodes.ASM9);
        new ClassReader(classFile).accept(node, ClassReader.SKIP_DEBUG);
        Set<String> reportedHere = reported.getOrDefault(className, Set.of());
        String classShape = (node.version & 0xFFFF) + (options.instruments(className.replace('/', '.')) ? "E" : "")
                + (TestHooks.badBytecode(className.replace('/', '.')) ? "B" : "");
        for (MethodNode m : node.methods) {
            if (m.instructions.size() == 0) {
                continue;
            }
            String shape = null;
            if (!m.name.equals("<init>")) {
                shape = classShape + ((m.access & Opcodes.ACC_STATIC) != 0 ? "S" : "V")
                        + (reportedHere.contains(m.name) ? "R" : "") + m.desc;
                if (verified.contains(shape)) {
                    continue;
                }
            }
            try {
                Frame<BasicValue>[] frames = new Analyzer<>(new BasicVerifier()).analyze(node.name, m);
                for (Frame<BasicValue> f : frames) { // the analyzer counts values; the JVM counts slots
                    int slots = 0;
                    for (int i = 0; f != null && i < f.getStackSize(); i++) {
                        slots += f.getStack(i).getSize();
                    }
                    if (slots > m.maxStack) {
                        throw new AnalyzerException(null, "operand stack of " + slots + " slots, max_stack "
                                + m.maxStack);
                    }
                }
            } catch (AnalyzerException e) {
                throw new AnalyzerException(e.node, "the class with prologues fails verification in " + m.name
                        + m.desc + ": " + e.getMessage(), e);
            }
            if (shape != null) {
                verified.add(shape);
            }
        }
    }

    private void dump(String className, byte[] bytes) {
        String dir = options.dumpDirectory();
        if (dir == null) {
            return;
        }
        Path file = Path.of(dir, className + ".class");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            AdjointAgent.warn("cannot dump " + file + ": " + e);
        }
    }

    /** Whether a loaded class has twin constructors (ConstructorBranches.twinConstructor): it was loaded with them. */
    private static boolean hasTwinConstructors(Class<?> c) {
        try {
            for (java.lang.reflect.Constructor<?> k : c.getDeclaredConstructors()) {
                Class<?>[] p = k.getParameterTypes();
                if (k.isSynthetic() && p.length > 0 && p[p.length - 1] == io.adjoint.internal.Entry.Frame.class) {
                    return true;
                }
            }
            return false;
        } catch (Throwable e) { // a parameter type that cannot be resolved: not one of ours
            return false;
        }
    }

    /** The class with prologues, or null to leave it as it is; {@code what[0]} says what was done (verbose). */
    byte[] addPrologues(byte[] bytes, String className, ClassLoader loader, String[] what, boolean shadowField) {
        return addPrologues(bytes, className, loader, what, shadowField, true);
    }

    byte[] addPrologues(byte[] bytes, String className, ClassLoader loader, String[] what, boolean shadowField,
                        boolean twinConstructors) {
        Set<String> reportedHere = reported.getOrDefault(className, Set.of());
        boolean entry = options.instruments(className.replace('/', '.'));
        boolean broken = TestHooks.badBytecode(className.replace('/', '.'));
        ClassReader reader = new ClassReader(bytes);
        if ((reader.getAccess() & (Opcodes.ACC_ANNOTATION | Opcodes.ACC_MODULE)) != 0) {
            return null;
        }
        boolean addField = entry && shadowField && (reader.getAccess() & Opcodes.ACC_INTERFACE) == 0
                && declaresDoubleFields(reader);
        if (entry && ConstructorBranches.anyComputes(bytes)) {
            return withConstructorBranches(bytes, ConstructorBranches.read(bytes), className, reportedHere, loader,
                    broken, what, addField, twinConstructors);
        }
        int version = reader.readUnsignedShort(6) & 0xFFFF;
        boolean frames = version >= Opcodes.V1_6, indy = version >= Opcodes.V1_7;
        ClassWriter writer = new ClassWriter(reader, 0);
        int[] count = {0};
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visitEnd() {
                if (addField) {
                    super.visitField(FieldShadows.FIELD_ACCESS, FieldShadows.FIELD, FieldShadows.FIELD_DESC, null,
                            null).visitEnd();
                }
                super.visitEnd();
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                MethodVisitor mv = super.visitMethod(access, name, desc, sig, ex);
                if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || name.startsWith("<")
                        || name.equals("$deserializeLambda$")) {
                    return mv;
                }
                boolean report = reportedHere.contains(name) && Type.getReturnType(desc).getSort() == Type.DOUBLE;
                if (!entry && !report) {
                    return mv;
                }
                count[0]++;
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        if (entry) {
                            Prologue.write(mv, access, className, name, desc, frames, indy, Prologue.ENTRY, "ANY",
                                    false, ENTRY_HOOK);
                        }
                        if (report) {
                            Prologue.write(mv, access, className, name, desc, frames, indy, null, null, true,
                                    REPORT_HOOK);
                        }
                        if (broken) {
                            mv.visitInsn(Opcodes.POP); // test hook: an operand stack underflow
                        }
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(Math.max(maxStack, Prologue.stack(access, desc)), maxLocals);
                    }
                };
            }
        }, 0); // frames stay compressed: the prologue's own frames are "same" frames
        if (!reportedHere.isEmpty() && count[0] == 0) {
            AdjointAgent.warn("report=: " + className.replace('/', '.') + " has no method " + reportedHere
                    + " returning double");
        }
        if (count[0] == 0 && !addField) {
            return null;
        }
        what[0] = "prologues added to " + count[0] + " method(s) of " + className.replace('/', '.')
                + (addField ? " (and the field shadow)" : "");
        return writer.toByteArray();
    }

    /**
     * The heavier path, for classes whose constructors compute: twin branches in those constructors
     * ({@link ConstructorBranches}), prologues elsewhere, frames recomputed from class files read through
     * the class's loader. Class files older than Java 7 are raised to version 51 (the twin branches call
     * through invokedynamic), with JSR/RET subroutines inlined.
     */
    private byte[] withConstructorBranches(byte[] bytes, ClassNode node, String className, Set<String> reportedHere,
                                           ClassLoader loader, boolean broken, String[] what, boolean addField,
                                           boolean addTwinConstructors) {
        ClassHierarchy hierarchy = new ClassHierarchy(loader);
        ClassNode second = ConstructorBranches.read(bytes); // the same code again, with labels of its own
        ClassNode third = ConstructorBranches.read(bytes); // and again, for the twin constructors
        java.util.List<MethodNode> twinConstructors = new java.util.ArrayList<>();
        int count = 0, constructors = 0;
        for (MethodNode m : node.methods) {
            if ((m.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                continue;
            }
            if (m.name.equals("<init>")) {
                if (ConstructorBranches.computes(m)) {
                    if (addTwinConstructors) {
                        twinConstructors.add(ConstructorBranches.twinConstructor(className, node.sourceFile, m,
                            ConstructorBranches.constructor(third, m.desc), hierarchy));
                    }
                    ConstructorBranches.insert(className, node.sourceFile, m,
                            ConstructorBranches.constructor(second, m.desc), hierarchy);
                    constructors++;
                }
                continue;
            }
            if (m.name.startsWith("<") || m.name.equals("$deserializeLambda$")) {
                continue;
            }
            MethodNode prologue = new MethodNode(Opcodes.ASM9, m.access, m.name, m.desc, null, null);
            Prologue.write(prologue, m.access, className, m.name, m.desc, false, true, Prologue.ENTRY, "ANY", false,
                    ENTRY_HOOK);
            if (reportedHere.contains(m.name) && Type.getReturnType(m.desc).getSort() == Type.DOUBLE) {
                Prologue.write(prologue, m.access, className, m.name, m.desc, false, true, null, null, true,
                        REPORT_HOOK);
            }
            if (broken) {
                prologue.visitInsn(Opcodes.POP); // test hook: an operand stack underflow
            }
            m.instructions.insert(prologue.instructions);
            count++;
        }
        node.methods.addAll(twinConstructors);
        if (addField) {
            node.fields.add(new FieldNode(FieldShadows.FIELD_ACCESS, FieldShadows.FIELD, FieldShadows.FIELD_DESC, null,
                    null));
        }
        node.version = Math.max(node.version & 0xFFFF, Opcodes.V1_7);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return hierarchy.commonSuperClass(a, b);
            }
        };
        node.accept(writer);
        what[0] = "prologues added to " + count + " method(s) of " + className.replace('/', '.')
                + " (and twin branches to " + constructors + " constructor(s))";
        return writer.toByteArray();
    }

    /**
     * Whether the class declares double instance fields: it then gets {@link FieldShadows#FIELD}, where twin code
     * keeps the slots of those fields (one array per object, made by the first active write of a recording).
     */
    private static boolean declaresDoubleFields(ClassReader reader) {
        boolean[] found = {false};
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public org.objectweb.asm.FieldVisitor visitField(int access, String name, String desc, String sig,
                                                             Object value) {
                found[0] |= desc.equals("D") && (access & Opcodes.ACC_STATIC) == 0;
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return found[0];
    }

    /** Names (internal form) of the classes holding report= methods. */
    public Set<String> reportedClasses() {
        return reported.keySet();
    }
}
