package io.adjoint.agent.twin;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.JSRInlinerAdapter;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Builds the companion class holding the twins of one host class's methods.
 *
 * <p>A twin is the original method's bytecode with every double carried as a 64-bit slot
 * ({@link TwinOpcodes}), every call that may reach differentiable code turned into an
 * {@code invokedynamic} linked by {@code io.adjoint.agent.link.Linker}, and the recording's tape as an
 * extra last parameter. Twins are static: an instance method's twin takes the receiver first. The
 * companion is defined as a hidden nestmate of the host, so twins may touch the host's private members,
 * and the host itself is never changed.
 */
public final class TwinGenerator {
    private TwinGenerator() {
    }

    public static final String SUFFIX = "$$AdjointTwin";
    /** Statement-level preaccumulation; off with -Dadjoint.preaccumulate=false (to compare, or to rule it out). */
    static final boolean PREACCUMULATE = !"false".equals(System.getProperty("adjoint.preaccumulate"));
    /** Accumulation runs ({@link AccumulationRuns}); off with -Dadjoint.runs=false (to compare, or to rule them out). */
    static final boolean RUNS = !"false".equals(System.getProperty("adjoint.runs"));
    static final String LINKER = "io/adjoint/agent/link/Linker";
    private static final String BOOTSTRAP_DESC = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;ILjava/lang/String;Ljava/lang/String;Ljava/lang/String;)"
            + "Ljava/lang/invoke/CallSite;";
    static final Handle LINK = new Handle(Opcodes.H_INVOKESTATIC, LINKER, "link", BOOTSTRAP_DESC, false);
    static final Handle ADAPT_INDY = new Handle(Opcodes.H_INVOKESTATIC, LINKER, "adaptIndy",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                    + "[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;", false);

    /** Call kinds passed to the linker. */
    public static final int STATIC = 0, VIRTUAL = 1, INTERFACE = 2, SPECIAL = 3;

    /** The companion's bytes and, for each original "name+descriptor", the name of its twin. */
    public record Companion(String internalName, byte[] bytes, Map<String, String> twinNames) {
    }

    public static Companion generate(byte[] hostBytes, ClassLoader loader) {
        return generate(hostBytes, loader, (className, method) -> true);
    }

    /**
     * @param mayInline whether a method of an application class (dotted class name, method name) may be inlined into
     *                  the twins ({@link Inlining}): the agent's options, which know what is instrumented and reported
     */
    public static Companion generate(byte[] hostBytes, ClassLoader loader, BiPredicate<String, String> mayInline) {
        ClassNode host = new ClassNode(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] exceptions) {
                // old class files may hold JSR/RET subroutines; inline them so the twin is plain bytecode
                MethodNode m = new JSRInlinerAdapter(null, access, name, desc, sig, exceptions);
                methods.add(m);
                return m;
            }
        };
        new ClassReader(hostBytes).accept(host, ClassReader.SKIP_FRAMES);

        ClassHierarchy hierarchy = new ClassHierarchy(loader);
        String companionName = host.name + SUFFIX;
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return hierarchy.commonSuperClass(a, b);
            }
        };
        cw.visit(Math.max(Opcodes.V17, host.version & 0xFFFF), Opcodes.ACC_FINAL | Opcodes.ACC_SUPER
                | Opcodes.ACC_SYNTHETIC, companionName, null, "java/lang/Object", null);
        if (host.sourceFile != null) {
            cw.visitSource(host.sourceFile, null);
        }
        Map<String, String> names = new HashMap<>();
        Preaccumulation pre = new Preaccumulation();
        Inlining inlining = new Inlining(hostBytes, hierarchy, loader, mayInline);
        Set<String> used = new HashSet<>();
        for (MethodNode m : host.methods) {
            if ((m.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || m.name.startsWith("<")) {
                continue;
            }
            boolean isStatic = (m.access & Opcodes.ACC_STATIC) != 0;
            String twinDesc = twinDescriptor(host.name, isStatic, m.desc);
            String twinName = m.name;
            for (int k = 2; !used.add(twinName + twinDesc); k++) {
                twinName = m.name + "$" + k;
            }
            names.put(m.name + m.desc, twinName);
            MethodNode twin = new MethodNode(Opcodes.ASM9, Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC
                    | Opcodes.ACC_SYNTHETIC, twinName, twinDesc, null, null);
            int paramSlots = (isStatic ? 0 : 1);
            for (Type t : Type.getArgumentTypes(m.desc)) {
                paramSlots += t.getSize();
            }
            String where = host.name.replace('/', '.') + "." + m.name;
            inlining.rewrite(m); // small callees inlined, objects that do not escape replaced by their fields
            if (PREACCUMULATE && RUNS) {
                ElementAccumulators.rewrite(host.name, m); // a[i] += e in a loop summed in a local: a run below
            }
            if (PREACCUMULATE) {
                pre.rewrite(host.name, m); // may add locals: the tape's local comes after them
            }
            int maxLocals = Math.max(m.maxLocals, paramSlots);
            TwinMethodAdapter adapter = new TwinMethodAdapter(twin, paramSlots, maxLocals, where, host.sourceFile,
                    hierarchy, companionName);
            adapter.cacheShadows(ShadowCaches.sites(host.name, m));
            adapter.constructingByHandle(TwinMethodAdapter.newDupInits(host.name, m));
            m.accept(adapter);
            if (PREACCUMULATE && RUNS) {
                AccumulationRuns.rewrite(companionName, twin, pre::accumulating); // loop-carried sums kept open
            }
            twin.accept(cw);
        }
        pre.emit(cw, companionName);
        cw.visitEnd();
        return new Companion(companionName, cw.toByteArray(), names);
    }

    /** The descriptor of a twin: receiver first for instance methods, doubles as slots, the tape last. */
    public static String twinDescriptor(String hostInternalName, boolean isStatic, String desc) {
        StringBuilder sb = new StringBuilder("(");
        if (!isStatic) {
            sb.append('L').append(hostInternalName).append(';');
        }
        for (Type t : Type.getArgumentTypes(desc)) {
            sb.append(slot(t).getDescriptor());
        }
        sb.append(TwinOpcodes.TAPE_DESC).append(')').append(slot(Type.getReturnType(desc)).getDescriptor());
        return sb.toString();
    }

    /** The type a value of type {@code t} has in twin code. */
    static Type slot(Type t) {
        return t.getSort() == Type.DOUBLE ? Type.LONG_TYPE : t;
    }

    /** The descriptor with each double replaced by a slot (no tape). */
    static String slotDescriptor(String desc) {
        StringBuilder sb = new StringBuilder("(");
        for (Type t : Type.getArgumentTypes(desc)) {
            sb.append(slot(t).getDescriptor());
        }
        return sb.append(')').append(slot(Type.getReturnType(desc)).getDescriptor()).toString();
    }

    /** True when a descriptor has a double or float, or an array of them, among its arguments or its result. */
    public static boolean mentionsReals(String desc) {
        for (Type t : Type.getArgumentTypes(desc)) {
            if (isRealOrArray(t)) {
                return true;
            }
        }
        return isRealOrArray(Type.getReturnType(desc));
    }

    /** double or float: the types whose values carry derivatives. */
    public static boolean isReal(Type t) {
        return t.getSort() == Type.DOUBLE || t.getSort() == Type.FLOAT;
    }

    private static boolean isRealOrArray(Type t) {
        return isReal(t) || (t.getSort() == Type.ARRAY && isReal(t.getElementType()));
    }
}
