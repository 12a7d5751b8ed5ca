package io.adjoint.agent.twin;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which {@code double[]} element reads and writes of a method get a shadow cache in its twin (see
 * {@link TwinMethodAdapter}), and which sites share one. Sites inside a loop get one, where the site runs again with
 * the same array and the cache saves an identity hash and a probe per element; a site outside any loop runs once per
 * call, where a cache of its own would only cost a miss. Sites whose array comes straight from the same local
 * variable share a cache (any grouping is correct, the cache compares the array itself): a loop writing
 * {@code out[j]} warms the cache of the next loop reading it, which matters when loops are short. Each cached site adds
 * about 60 bytes of bytecode, each cache four locals, so large methods (whose twin could grow past the JIT's 8000-byte
 * limit for compiling a method at all) get none, and at most {@link #MAX_SITES} sites and {@link #MAX_CACHES} caches
 * are made, sites in loops first.
 */
final class ShadowCaches {
    private ShadowCaches() {
    }

    /** Caches per method at most. */
    static final int MAX_CACHES = 32;
    /** Cached sites per method at most (each about 60 bytes of bytecode). */
    static final int MAX_SITES = 48;
    /** Methods with more instructions than this get no caches. */
    static final int MAX_INSNS = 1000;
    /** Off with -Dadjoint.shadowCache=false (to compare, or to rule it out). */
    static final boolean ENABLED = !"false".equals(System.getProperty("adjoint.shadowCache"));

    /**
     * For each DALOAD and DASTORE of {@code m}, in instruction order, the number of its cache (0, 1, ...) or -1 when
     * it looks its shadow up directly; the result's length is the number of such instructions.
     */
    static int[] sites(String owner, MethodNode m) {
        AbstractInsnNode[] insns = m.instructions.toArray();
        int count = 0;
        for (AbstractInsnNode n : insns) {
            count += isSite(n) ? 1 : 0;
        }
        int[] cacheOf = new int[count];
        java.util.Arrays.fill(cacheOf, -1);
        if (!ENABLED || count == 0 || insns.length > MAX_INSNS) {
            return cacheOf;
        }
        Frame<SourceValue>[] frames;
        int maxStack = m.maxStack;
        m.maxStack += 2 * Preaccumulation.MAX_LEAVES; // preaccumulation's root calls load all leaves at once
        try {
            frames = new Analyzer<>(new SourceInterpreter()).analyze(owner, m);
        } catch (AnalyzerException | RuntimeException e) {
            frames = null; // no sharing: each site in a loop its own cache
        } finally {
            m.maxStack = maxStack; // recomputed by the writer anyway
        }
        // a loop body: every instruction from the target of a backward jump up to the jump
        BitSet inLoop = new BitSet(insns.length);
        for (int j = 0; j < insns.length; j++) {
            for (LabelNode target : targets(insns[j])) {
                int k = m.instructions.indexOf(target);
                if (k <= j) {
                    inLoop.set(k, j + 1);
                }
            }
        }
        // the local each site's array comes from (-1: computed)
        int[] local = new int[count];
        for (int i = 0, site = 0; i < insns.length; i++) {
            if (isSite(insns[i])) {
                local[site++] = arrayLocal(frames == null ? null : frames[i], insns[i].getOpcode());
            }
        }
        // sites in loops first, then those outside loops that can share a loop site's cache, within the budgets
        Map<Integer, Integer> cacheOfLocal = new HashMap<>();
        int caches = 0, cached = 0;
        for (boolean loops : new boolean[] {true, false}) {
            for (int i = 0, site = 0; i < insns.length; i++) {
                if (!isSite(insns[i])) {
                    continue;
                }
                int v = local[site];
                if (inLoop.get(i) == loops && cached < MAX_SITES) {
                    Integer c = v >= 0 ? cacheOfLocal.get(v) : null;
                    if (c == null && loops && caches < MAX_CACHES) {
                        c = caches++;
                        if (v >= 0) {
                            cacheOfLocal.put(v, c);
                        }
                    }
                    if (c != null) {
                        cacheOf[site] = c;
                        cached++;
                    }
                }
                site++;
            }
        }
        return cacheOf;
    }

    private static boolean isSite(AbstractInsnNode n) {
        return n.getOpcode() == Opcodes.DALOAD || n.getOpcode() == Opcodes.DASTORE;
    }

    /** The local variable the array operand was loaded from by one ALOAD, or -1. */
    private static int arrayLocal(Frame<SourceValue> f, int opcode) {
        if (f == null) {
            return -1; // unreachable code, or no analysis
        }
        // DALOAD: [array index]; DASTORE: [array index value] (a double is one value of size 2 here)
        SourceValue array = f.getStack(f.getStackSize() - (opcode == Opcodes.DALOAD ? 2 : 3));
        if (array.insns.size() == 1 && array.insns.iterator().next() instanceof VarInsnNode load
                && load.getOpcode() == Opcodes.ALOAD) {
            return load.var;
        }
        return -1;
    }
    /** The labels a jump or switch instruction may go to (none for other instructions). */
    static List<LabelNode> targets(AbstractInsnNode insn) {
        if (insn instanceof JumpInsnNode j) {
            return List.of(j.label);
        }
        List<LabelNode> out = new ArrayList<>();
        if (insn instanceof TableSwitchInsnNode t) {
            out.add(t.dflt);
            out.addAll(t.labels);
        } else if (insn instanceof LookupSwitchInsnNode l) {
            out.add(l.dflt);
            out.addAll(l.labels);
        }
        return out;
    }
}
