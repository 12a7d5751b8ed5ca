package io.adjoint.agent.twin;

import io.adjoint.agent.twin.targets.ArrayOps;
import io.adjoint.agent.twin.targets.Blocks;
import io.adjoint.agent.twin.targets.Exceptions;
import io.adjoint.agent.twin.targets.Fields;
import io.adjoint.agent.twin.targets.Inlined;
import io.adjoint.agent.twin.targets.Legacy;
import io.adjoint.agent.twin.targets.Locals;
import io.adjoint.agent.twin.targets.Loops;
import io.adjoint.agent.twin.targets.ManyMethods;
import io.adjoint.agent.twin.targets.Shape;
import io.adjoint.agent.twin.targets.Switches;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandles;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Validation of generated companions, in the style of JaCoCo's validation tests: twins are generated
 * for compiled target classes covering the shapes of real bytecode, then checked by ASM's data-flow
 * verifier (CheckClassAdapter) and by the JVM's own verifier, by defining each companion as the hidden
 * nestmate of its host exactly as the agent does.
 */
class TwinGeneratorTest {

    private static final Class<?>[] TARGETS = {Loops.class, Switches.class, Exceptions.class, Fields.class,
        Fields.Sub.class, ArrayOps.class, Locals.class, ManyMethods.class, Shape.class,
        ManyMethods.Point.class, Switches.Kind.class, Legacy.class, Blocks.class, Inlined.class, Inlined.Vec.class, TwinGeneratorTest.class};

    private static byte[] classFile(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class")) {
            assertNotNull(in, "class file of " + c.getName());
            return in.readAllBytes();
        }
    }

    private static Class<?> target(String simpleName) {
        for (Class<?> c : TARGETS) {
            if (c.getName().substring(c.getName().lastIndexOf('.') + 1).equals(simpleName)) {
                return c;
            }
        }
        throw new IllegalArgumentException(simpleName);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Loops", "Switches", "Exceptions", "Fields", "Fields$Sub", "ArrayOps", "Locals",
        "ManyMethods", "Shape", "ManyMethods$Point", "Switches$Kind", "Legacy", "Blocks", "TwinGeneratorTest"})
    void companionPassesTheVerifiers(String simpleName) throws Throwable {
        Class<?> host = target(simpleName);
        verify(host, classFile(host));
    }

    /**
     * Preaccumulation across statements, checked on the generated code: which Ops calls and generated methods
     * (with how many leaf slots) each twin makes. Derivatives of the same shapes: it-tests' BasicBlocksTest.
     */
    @Test
    void basicBlocksBecomeOneNode() throws Throwable {
        TwinGenerator.Companion companion = TwinGenerator.generate(classFile(Blocks.class), Blocks.class.getClassLoader());
        ClassNode generated = new ClassNode();
        new ClassReader(companion.bytes()).accept(generated, 0);
        // Rosenbrock's loop body: x[i+1] and x[i] read once each, one node with leaves f, x[i], x[i+1]
        // (f += ... is a loop-carried sum: the generated method also takes f's owned node, see loopCarriedSums; in a
        // loop its run variant comes first, see sumsInLoopsRunWithTheirStateInLocals)
        assertEquals(java.util.List.of("daload", "daload", "run$(JJJDI)", "pre$(JJJI)"), calls(generated, "rosenbrock"));
        // t is read after the loop: its own node; s's statement reads it
        assertEquals(java.util.List.of("daload", "pre$(J)", "pre$(JJI)", "add"), calls(generated, "readAfterTheBlock"));
        // a store or a call between two reads of x[0]: read twice (a is also stored into x: a node of its own)
        assertEquals(java.util.List.of("daload", "daload", "mul", "dastore", "daload", "pre$(JJ)"),
                calls(generated, "storeBetweenReads"));
        // a = x[0] * x[1] is folded into a + b across the call: its leaves were kept before the call
        assertEquals(java.util.List.of("daload", "daload", "touch", "daload", "pre$(JJJ)"),
                calls(generated, "callBetweenReads"));
    }

    /**
     * Loop-carried sums (acc = acc + term, acc - term, term + acc, the accumulator's partial exactly 1): the generated
     * method takes the accumulator's owned node and ends its node with Tape.endAccumulate instead of end, and every
     * other read of the accumulator local gives the node up (iconst_m1; istore owned). Not when the accumulator's
     * partial is anything else. Derivatives: it-tests' AccumulationTest.
     */
    @Test
    void loopCarriedSumsExtendTheirNode() throws Throwable {
        TwinGenerator.Companion companion = TwinGenerator.generate(classFile(Blocks.class), Blocks.class.getClassLoader());
        ClassNode generated = new ClassNode();
        new ClassReader(companion.bytes()).accept(generated, 0);
        for (String twin : new String[] {"dot", "rosenbrock", "subtracted", "onTheRight", "copiedMidLoop", "plainSum"}) {
            MethodNode pre = generatedMethodCalled(generated, twin, 0);
            assertTrue(pre.desc.contains("I"), twin + ": " + pre.desc);
            assertEquals(java.util.List.of("begin", "endAccumulate"), tapeCalls(pre), twin);
        }
        assertEquals(java.util.List.of("daload", "daload", "run$(JJJDI)", "pre$(JJJI)"), calls(generated, "dot"));
        for (String twin : new String[] {"rosenbrockTwoStatements", "threeStatements"}) { // one block each
            assertEquals(1, generated.methods.stream().filter(g -> g.name.matches("pre\\$\\d+")
                    && calledBy(generated, twin, g.name)).count(), twin);
        }
        for (String twin : new String[] {"readInTheTerm", "subtractedFrom"}) {
            MethodNode pre = generatedMethodCalled(generated, twin, 0);
            assertTrue(!pre.desc.contains("I"), twin + ": " + pre.desc);
            assertEquals(java.util.List.of("begin", "end"), tapeCalls(pre), twin);
        }
        // s's node is given up at method entry, where prev = s reads it and where the return reads it; t's at entry
        // and at the return
        assertEquals(5, disowns(generated, "copiedMidLoop"));
        assertEquals(2, disowns(generated, "dot"));
    }

    /**
     * Accumulation runs (twin/AccumulationRuns): a loop-carried sum in a loop with nothing else that records keeps its
     * node open in the twin's locals: the twin calls the block's run variant (which writes the arguments at the cursor,
     * Tape.runArg, and ends no node) and ends the run with Tape.runEnd where the sum is read after the loop; the
     * usual call stays for second-order recordings. No run where the sum is read inside the loop, where another block
     * or a call records in the loop, where the sum is not in a loop, or where the run would have to be ended in more
     * than AccumulationRuns.MAX_ENDS places (each adds code: long methods must stay under 64 kB). Derivatives: it-tests' AccumulationRunsTest.
     */
    @Test
    void sumsInLoopsRunWithTheirStateInLocals() throws Throwable {
        TwinGenerator.Companion companion = TwinGenerator.generate(classFile(Blocks.class), Blocks.class.getClassLoader());
        ClassNode generated = new ClassNode();
        new ClassReader(companion.bytes()).accept(generated, 0);
        for (String twin : new String[] {"dot", "rosenbrock", "subtracted", "onTheRight", "plainSum", "sumOfFields",
                "tanhSum", "rosenbrockTwoStatements", "threeStatements"}) {
            java.util.List<String> calls = calls(generated, twin);
            assertEquals(1, calls.stream().filter(c -> c.startsWith("run$")).count(), twin + ": " + calls);
            assertTrue(tapeMethods(generated, twin).contains("runEnd"), twin);
            MethodNode run = generated.methods.stream().filter(g -> g.name.endsWith("$run")
                    && calledBy(generated, twin, g.name)).findFirst().orElseThrow();
            java.util.List<String> recording = tapeMethods(run);
            assertTrue(recording.contains("runArg") && recording.contains("runValue"), twin + ": " + recording);
            assertTrue(!recording.contains("begin") && !recording.contains("endAccumulate")
                    && !recording.contains("isSecondOrder"), twin + ": " + recording);
        }
        // sums of one loop: all run, all but the first on side tapes, ended after the first (five: none)
        for (String twin : new String[] {"twoSums", "threeSums"}) {
            assertEquals(twin.equals("twoSums") ? 2 : 3, calls(generated, twin).stream().filter(c -> c.startsWith("run$")).count(),
                    twin + ": " + calls(generated, twin));
            java.util.List<String> tape = tapeMethods(generated, twin);
            assertTrue(tape.contains("sideOpen") && tape.contains("sideRoom") && tape.contains("sideEnd"), twin + ": " + tape);
            assertTrue(tape.indexOf("runEnd") < tape.lastIndexOf("sideEnd"), twin + ": " + tape);
        }
        for (String twin : new String[] {"copiedMidLoop", "readAfterTheBlock", "sumOutsideALoop", "sumWithACall",
                "sumThenManyCalls", "scaledBetween", "readBetween", "fiveSums"}) {
            assertTrue(calls(generated, twin).stream().noneMatch(c -> c.startsWith("run$")), twin);
            assertTrue(!tapeMethods(generated, twin).contains("runEnd"), twin);
        }
    }

    /**
     * Array elements summed in loops (ElementAccumulators): y[i] += term becomes a sum in a local, then a run, only where
     * nothing in the loop could see the element; derivatives and every way out of such loops: it-tests' ElementSumsTest.
     */
    @Test
    void elementSumsInLoopsBecomeRuns() throws Throwable {
        TwinGenerator.Companion companion = TwinGenerator.generate(classFile(Blocks.class), Blocks.class.getClassLoader());
        ClassNode generated = new ClassNode();
        new ClassReader(companion.bytes()).accept(generated, 0);
        for (String twin : new String[] {"elementSums", "elementSumLongForm", "elementSumOverRows",
                "elementSumWithANullCheck", "elementSumMatMul", "elementSumFlatMatMul"}) {
            assertEquals(twin.equals("elementSumOverRows") ? 2 : 1,
                    calls(generated, twin).stream().filter(c -> c.startsWith("run$")).count(),
                    twin + ": " + calls(generated, twin));
            assertTrue(tapeMethods(generated, twin).contains("runEnd"), twin);
        }
        for (String twin : new String[] {"elementSumWithACall", "elementSumReadBack", "elementSumMovingIndex"}) {
            assertTrue(calls(generated, twin).stream().noneMatch(c -> c.startsWith("run$")), twin);
            assertTrue(!tapeMethods(generated, twin).contains("runEnd"), twin);
        }
    }

    private static boolean calledBy(ClassNode companion, String twin, String callee) {
        MethodNode m = companion.methods.stream().filter(n -> n.name.equals(twin)).findFirst().orElseThrow();
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof MethodInsnNode c && c.name.equals(callee)) {
                return true;
            }
        }
        return false;
    }

    private static java.util.List<String> tapeMethods(ClassNode companion, String twin) {
        return tapeMethods(companion.methods.stream().filter(n -> n.name.equals(twin)).findFirst().orElseThrow());
    }

    /** The names of the Tape methods {@code m} calls, in order. */
    private static java.util.List<String> tapeMethods(MethodNode m) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof MethodInsnNode c && c.owner.endsWith("/Tape")) {
                out.add(c.name);
            }
        }
        return out;
    }

    /** The {@code which}-th generated method the twin calls. */
    private static MethodNode generatedMethodCalled(ClassNode companion, String twin, int which) {
        MethodNode m = companion.methods.stream().filter(n -> n.name.equals(twin)).findFirst().orElseThrow();
        int k = 0;
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof MethodInsnNode c && c.name.startsWith("pre$") && !c.name.endsWith("$run") && k++ == which) {
                return companion.methods.stream().filter(g -> g.name.equals(c.name)).findFirst().orElseThrow();
            }
        }
        throw new AssertionError(twin + " calls fewer than " + (which + 1) + " generated methods");
    }

    /** The calls of Tape's recording methods a generated method makes. */
    private static java.util.List<String> tapeCalls(MethodNode m) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof MethodInsnNode c && c.owner.endsWith("/Tape") && java.util.Set.of("begin", "endAccumulate",
                    "end").contains(c.name)) {
                out.add(c.name);
            }
        }
        return out;
    }

    /** The number of {@code iconst_m1; istore} pairs in a twin: its accumulators' nodes given up. */
    private static int disowns(ClassNode companion, String twin) {
        MethodNode m = companion.methods.stream().filter(n -> n.name.equals(twin)).findFirst().orElseThrow();
        java.util.Set<Integer> owned = new java.util.HashSet<>(); // the locals Tape.owner's results go to
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof MethodInsnNode c && c.name.equals("owner") && n.getNext().getOpcode() == Opcodes.ISTORE) {
                owned.add(((org.objectweb.asm.tree.VarInsnNode) n.getNext()).var);
            }
        }
        int count = 0;
        for (AbstractInsnNode n : m.instructions) {
            if (n.getOpcode() == Opcodes.ICONST_M1 && n.getNext() != null && n.getNext().getOpcode() == Opcodes.ISTORE
                    && owned.contains(((org.objectweb.asm.tree.VarInsnNode) n.getNext()).var)) {
                count++;
            }
        }
        return count;
    }

    /**
     * C2 inlines a hot callee only up to 325 bytes of bytecode (FreqInlineSize): Rosenbrock's preaccumulated pair
     * must stay below, so that it is compiled into the loop rather than called once per pair (~10% of the gradient).
     */
    @Test
    void generatedMethodsFitTheJitsInliningLimit() throws Throwable {
        TwinGenerator.Companion companion = TwinGenerator.generate(classFile(Blocks.class), Blocks.class.getClassLoader());
        ClassNode generated = new ClassNode();
        new ClassReader(companion.bytes()).accept(generated, 0);
        MethodNode rosenbrock = generated.methods.stream().filter(n -> n.name.equals("rosenbrock")).findFirst().orElseThrow();
        String pre = null;
        for (AbstractInsnNode n : rosenbrock.instructions) {
            if (n instanceof MethodInsnNode c && c.name.startsWith("pre$")) {
                pre = c.name;
            }
        }
        String name = pre;
        MethodNode m = generated.methods.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
        int size = codeLength(m);
        assertTrue(size <= 325, name + " has " + size + " bytes of bytecode");
        // the adjoints of + and - are folded: no zero tests for them, none for the root's constant adjoint
        long zeroTests = java.util.stream.StreamSupport.stream(m.instructions.spliterator(), false)
                .filter(n -> n.getOpcode() == Opcodes.DCMPL).count();
        assertEquals(2, zeroTests, "zero tests of adjoints computed at run time (before the two products t1*t1, x*x)");
    }

    /**
     * Divisions in a block's reverse pass: q = 1 / r takes none (dq/dr = -q * q), q = x / y with both operands
     * variables one for both partials, 3 / r one, x / 4 none; each method also has the forward division.
     */
    @Test
    void divisionsTakeOneDivisionEach() throws Throwable {
        verify(io.adjoint.agent.twin.targets.Divisions.class, classFile(io.adjoint.agent.twin.targets.Divisions.class));
        TwinGenerator.Companion companion = TwinGenerator.generate(
                classFile(io.adjoint.agent.twin.targets.Divisions.class),
                io.adjoint.agent.twin.targets.Divisions.class.getClassLoader());
        ClassNode generated = new ClassNode();
        new ClassReader(companion.bytes()).accept(generated, 0);
        java.util.Map<String, Integer> expected = java.util.Map.of("reciprocal", 1, "quotient", 2, "overThree", 2,
                "quarter", 1);
        java.util.Map<String, Integer> actual = new java.util.TreeMap<>();
        for (String twin : expected.keySet()) {
            MethodNode pre = generatedMethodCalled(generated, twin, 0);
            actual.put(twin, (int) java.util.stream.StreamSupport.stream(pre.instructions.spliterator(), false)
                    .filter(n -> n.getOpcode() == Opcodes.DDIV).count());
        }
        assertEquals(new java.util.TreeMap<>(expected), actual, "DDIVs per generated method, the forward one included");
    }

    /** The length of a method's bytecode, as the JVM (and the JIT's inlining policy) counts it. */
    private static int codeLength(MethodNode m) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "Measure", null, "java/lang/Object", null);
        Label end = new Label();
        m.accept(new org.objectweb.asm.ClassVisitor(Opcodes.ASM9, cw) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, desc, sig, exceptions)) {
                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitLabel(end); // after the last instruction: its offset is the code's length
                        super.visitMaxs(maxStack, maxLocals);
                    }
                };
            }
        });
        return end.getOffset();
    }

    @Test
    void smallCalleesAreInlined() throws Throwable {
        TwinGenerator.Companion companion = TwinGenerator.generate(classFile(Inlined.class), Inlined.class.getClassLoader());
        ClassNode generated = new ClassNode();
        new ClassReader(companion.bytes()).accept(generated, 0);
        // minus and dot inlined, the Vec that minus makes replaced by its fields: the null check of atoms[i], the six
        // coordinates of atoms[i] and atoms[j], one node with them and e as leaves; no constructor call. e += ... is a
        // loop-carried sum, and neither the null check nor the field reads record: a run (its variant called first)
        assertEquals(java.util.List.of("requireNonNull", "x", "x", "y", "y", "z", "z", "run$(JJJJJJJDI)",
                "pre$(JJJJJJJI)"), calls(generated, "pairs"));
        // an overridable method stays a linked call
        assertEquals(java.util.List.of("scale", "mul"), calls(generated, "scaled"));
    }

    private static final java.util.Set<String> CACHE_CALLS = java.util.Set.of("shadowGeneration", "arrayShadow");

    /**
     * Array element reads and writes inside a loop look the shadow up through their site's cache (the Ops methods
     * taking the shadow: descriptor with [J), those outside any loop directly; sites of a constructor's twin branch
     * never have a cache. Caching itself is checked by it-tests' ShadowCacheTest.
     */
    @Test
    void elementSitesInLoopsHaveShadowCaches() throws Throwable {
        TwinGenerator.Companion companion = TwinGenerator.generate(classFile(Blocks.class), Blocks.class.getClassLoader());
        ClassNode generated = new ClassNode();
        new ClassReader(companion.bytes()).accept(generated, 0);
        assertEquals(java.util.List.of("daload([D[JI)", "daload([D[JI)"), elementSites(generated, "rosenbrock"));
        assertEquals(java.util.List.of("daload([DI)", "daload([DI)", "dastore([DIJ)", "daload([DI)"),
                elementSites(generated, "storeBetweenReads"));
        assertEquals(java.util.List.of("daload([D[JI)", "dastore([D[JIJ)"), elementSites(generated, "touchAll"));
    }

    /**
     * A loop of 60 element reads of one array: the first ShadowCaches.MAX_SITES get the (one, shared) cache, the
     * rest keep the plain lookup, so that a twin cannot grow by more than about 60 bytes a site times that.
     */
    @Test
    void cachedSitesAreBounded() throws Throwable {
        String name = "io/adjoint/agent/twin/targets/ManySites";
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f", "([DI)D", null, null);
        mv.visitCode(); // double s = 0; for (int i = 0; i < n; i++) { s = s + a[0]; ... s = s + a[59]; } return s;
        mv.visitInsn(Opcodes.DCONST_0);
        mv.visitVarInsn(Opcodes.DSTORE, 2);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitVarInsn(Opcodes.ISTORE, 4);
        Label test = new Label(), body = new Label();
        mv.visitJumpInsn(Opcodes.GOTO, test);
        mv.visitLabel(body);
        for (int k = 0; k < 60; k++) {
            mv.visitVarInsn(Opcodes.DLOAD, 2);
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitIntInsn(Opcodes.BIPUSH, k);
            mv.visitInsn(Opcodes.DALOAD);
            mv.visitInsn(Opcodes.DADD);
            mv.visitVarInsn(Opcodes.DSTORE, 2);
        }
        mv.visitIincInsn(4, 1);
        mv.visitLabel(test);
        mv.visitVarInsn(Opcodes.ILOAD, 4);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitJumpInsn(Opcodes.IF_ICMPLT, body);
        mv.visitVarInsn(Opcodes.DLOAD, 2);
        mv.visitInsn(Opcodes.DRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        Class<?> host = MethodHandles.privateLookupIn(Loops.class, MethodHandles.lookup()).defineClass(bytes);
        verify(host, bytes);
        ClassNode generated = new ClassNode();
        new ClassReader(TwinGenerator.generate(bytes, host.getClassLoader()).bytes()).accept(generated, 0);
        java.util.List<String> sites = elementSites(generated, "f");
        assertEquals(60, sites.size());
        assertEquals(ShadowCaches.MAX_SITES, sites.stream().filter(d -> d.equals("daload([D[JI)")).count());
    }

    /** The element reads and writes of a twin, in order, with the argument types they take (tape left out). */
    private static java.util.List<String> elementSites(ClassNode companion, String twin) {
        java.util.List<String> out = new java.util.ArrayList<>();
        MethodNode m = companion.methods.stream().filter(n -> n.name.equals(twin)).findFirst().orElseThrow();
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof MethodInsnNode c && c.owner.endsWith("/Ops")
                    && (c.name.equals("daload") || c.name.equals("dastore"))) {
                out.add(c.name + c.desc.substring(0, c.desc.indexOf('L')) + ")");
            }
        }
        return out;
    }

    /** The calls a twin makes, in order: Ops methods by name, generated methods as "pre$(leaf slots)". */
    private static java.util.List<String> calls(ClassNode companion, String twin) {
        java.util.List<String> out = new java.util.ArrayList<>();
        MethodNode m = companion.methods.stream().filter(n -> n.name.equals(twin)).findFirst().orElseThrow();
        for (AbstractInsnNode n : m.instructions) {
            if (n instanceof MethodInsnNode c) {
                if (c.name.startsWith("pre$")) {
                    out.add((c.name.endsWith("$run") ? "run$(" : "pre$(") + c.desc.substring(1, c.desc.indexOf('L')) + ")");
                } else if (c.owner.endsWith("/Ops") && CACHE_CALLS.contains(c.name)) {
                    continue; // a site's shadow cache: see elementSitesInLoopsHaveShadowCaches
                } else if (c.owner.endsWith("/Ops") || !c.owner.startsWith("io/adjoint/internal")) {
                    out.add(c.name);
                }
            } else if (n instanceof org.objectweb.asm.tree.InvokeDynamicInsnNode d) {
                out.add(d.name);
            }
        }
        return out;
    }

    /**
     * A Java 1.4 class file with a JSR/RET subroutine (what javac made for finally blocks before Java 6),
     * built with ASM: the generator inlines the subroutine, so the twin is plain bytecode with frames.
     * static double f(double x) { double y; try { y = x * 2; } finally { x = x + 1; } return y; }
     */
    @Test
    void jsrSubroutinesAreInlined() throws Throwable {
        String name = "io/adjoint/agent/twin/targets/OldJsr";
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V1_4, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f", "(D)D", null, null);
        mv.visitCode();
        Label sub = new Label();
        mv.visitVarInsn(Opcodes.DLOAD, 0);
        mv.visitLdcInsn(2.0);
        mv.visitInsn(Opcodes.DMUL);
        mv.visitVarInsn(Opcodes.DSTORE, 2);
        mv.visitJumpInsn(Opcodes.JSR, sub);
        mv.visitVarInsn(Opcodes.DLOAD, 2);
        mv.visitInsn(Opcodes.DRETURN);
        mv.visitLabel(sub);
        mv.visitVarInsn(Opcodes.ASTORE, 4);
        mv.visitVarInsn(Opcodes.DLOAD, 0);
        mv.visitInsn(Opcodes.DCONST_1);
        mv.visitInsn(Opcodes.DADD);
        mv.visitVarInsn(Opcodes.DSTORE, 0);
        mv.visitVarInsn(Opcodes.RET, 4);
        mv.visitMaxs(4, 5);
        mv.visitEnd();
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        Class<?> host = MethodHandles.privateLookupIn(Loops.class, MethodHandles.lookup()).defineClass(bytes);
        assertEquals(4.0, (double) host.getMethod("f", double.class).invoke(null, 2.0), "the host itself runs");
        verify(host, bytes);
    }

    private static void verify(Class<?> host, byte[] hostBytes) throws Throwable {
        TwinGenerator.Companion companion = TwinGenerator.generate(hostBytes, host.getClassLoader());

        // 1. ASM's verifier, with data flow: no output means no error
        StringWriter errors = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(companion.bytes()), host.getClassLoader(), false,
                new PrintWriter(errors));
        assertEquals("", errors.toString(), "CheckClassAdapter found errors in the companion of " + host.getName());

        // 2. every method with a body has a twin, under a distinct name
        ClassNode original = new ClassNode();
        new ClassReader(hostBytes).accept(original, ClassReader.SKIP_CODE);
        ClassNode generated = new ClassNode();
        new ClassReader(companion.bytes()).accept(generated, ClassReader.SKIP_CODE);
        Set<String> twinMethods = new HashSet<>();
        for (MethodNode m : generated.methods) {
            assertTrue(twinMethods.add(m.name + m.desc), "duplicate twin " + m.name + m.desc);
        }
        int withBody = 0;
        for (MethodNode m : original.methods) {
            if ((m.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || m.name.startsWith("<")) {
                continue;
            }
            withBody++;
            String twin = companion.twinNames().get(m.name + m.desc);
            assertNotNull(twin, "no twin for " + m.name + m.desc);
            boolean isStatic = (m.access & Opcodes.ACC_STATIC) != 0;
            assertTrue(twinMethods.contains(twin + TwinGenerator.twinDescriptor(original.name, isStatic, m.desc)),
                    "twin " + twin + " of " + m.name + m.desc + " is in the companion");
        }
        assertEquals(withBody, companion.twinNames().size());
        long preaccumulated = generated.methods.stream().filter(m -> m.name.startsWith("pre$")).count();
        assertEquals(withBody, generated.methods.size() - preaccumulated, "twins plus preaccumulated expressions");

        // 3. the JVM's verifier: define the companion as the agent does (hidden nestmate, initialised)
        MethodHandles.Lookup hostLookup = MethodHandles.privateLookupIn(host, MethodHandles.lookup());
        Class<?> defined = hostLookup.defineHiddenClass(companion.bytes(), true, MethodHandles.Lookup.ClassOption.NESTMATE)
                .lookupClass();
        assertEquals(host.getNestHost(), defined.getNestHost());
    }
}
