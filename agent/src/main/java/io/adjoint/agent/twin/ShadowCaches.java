package io.adjoint.agent.twin;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which {@code double[]} element reads and writes of a method get a shadow cache in its twin (see
 * {@link TwinMethodAdapter}): those inside a loop, where the site runs again with the same array and the cache
 * saves an identity hash and a probe per element. A site outside any loop runs once per call, where the cache would
 * only cost a miss. Each cached site adds about 50 bytes of bytecode and four locals, so large methods (whose twin
 * could grow past the JIT's 8000-byte limit for compiling a method at all) and sites past the first
 * {@link #MAX_SITES} keep the plain lookup.
 */
final class ShadowCaches {
    private ShadowCaches() {
    }

    /** Cached sites per method at most. */
    static final int MAX_SITES = 32;
    /** Methods with more instructions than this get no caches. */
    static final int MAX_INSNS = 1500;
    /** Off with -Dadjoint.shadowCache=false (to compare, or to rule it out). */
    static final boolean ENABLED = !"false".equals(System.getProperty("adjoint.shadowCache"));

    /**
     * The ordinals (counting DALOAD and DASTORE instructions in order, from 0) of the sites of {@code m} to cache;
     * empty when none.
     */
    static BitSet sites(MethodNode m) {
        BitSet chosen = new BitSet();
        if (!ENABLED || m.instructions.size() > MAX_INSNS) {
            return chosen;
        }
        AbstractInsnNode[] insns = m.instructions.toArray();
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
        int ordinal = 0;
        for (int i = 0; i < insns.length && chosen.cardinality() < MAX_SITES; i++) {
            int op = insns[i].getOpcode();
            if (op == Opcodes.DALOAD || op == Opcodes.DASTORE) {
                if (inLoop.get(i)) {
                    chosen.set(ordinal);
                }
                ordinal++;
            }
        }
        return chosen;
    }

    private static List<LabelNode> targets(AbstractInsnNode insn) {
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
