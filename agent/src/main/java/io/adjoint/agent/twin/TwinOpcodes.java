package io.adjoint.agent.twin;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The opcode table: what each double instruction becomes in twin code. Doubles travel as 64-bit slots
 * (see {@code io.adjoint.internal.Slot}), so a double instruction that computes becomes a call of the
 * matching {@code io.adjoint.internal.Ops} method with the tape as last argument, and one that only moves
 * a value becomes its long counterpart. Instructions not listed here are the same in the twin.
 */
final class TwinOpcodes {
    private TwinOpcodes() {
    }

    static final String OPS = "io/adjoint/internal/Ops";
    static final String TAPE = "io/adjoint/internal/Tape";
    static final String TAPE_DESC = "L" + TAPE + ";";
    static final String FLOAT_OPS = "io/adjoint/internal/FloatOps";

    /** The owner, name and descriptor of the method replacing a computing instruction (tape last), or null. */
    static String[] computing(int opcode) {
        switch (opcode) {
            case Opcodes.FADD: return flt("add", "(FF" + TAPE_DESC + ")F");
            case Opcodes.FSUB: return flt("sub", "(FF" + TAPE_DESC + ")F");
            case Opcodes.FMUL: return flt("mul", "(FF" + TAPE_DESC + ")F");
            case Opcodes.FDIV: return flt("div", "(FF" + TAPE_DESC + ")F");
            case Opcodes.FREM: return flt("rem", "(FF" + TAPE_DESC + ")F");
            case Opcodes.FNEG: return flt("neg", "(F" + TAPE_DESC + ")F");
            case Opcodes.FCMPL: return flt("cmpl", "(FF" + TAPE_DESC + ")I");
            case Opcodes.FCMPG: return flt("cmpg", "(FF" + TAPE_DESC + ")I");
            case Opcodes.F2I: return flt("f2i", "(F" + TAPE_DESC + ")I");
            case Opcodes.F2L: return flt("f2l", "(F" + TAPE_DESC + ")J");
            case Opcodes.F2D: return flt("f2d", "(F" + TAPE_DESC + ")J");
            case Opcodes.FALOAD: return flt("faload", "([FI" + TAPE_DESC + ")F");
            case Opcodes.FASTORE: return flt("fastore", "([FIF" + TAPE_DESC + ")V");
            case Opcodes.DADD: return op("add", "(JJ" + TAPE_DESC + ")J");
            case Opcodes.DSUB: return op("sub", "(JJ" + TAPE_DESC + ")J");
            case Opcodes.DMUL: return op("mul", "(JJ" + TAPE_DESC + ")J");
            case Opcodes.DDIV: return op("div", "(JJ" + TAPE_DESC + ")J");
            case Opcodes.DREM: return op("rem", "(JJ" + TAPE_DESC + ")J");
            case Opcodes.DNEG: return op("neg", "(J" + TAPE_DESC + ")J");
            case Opcodes.DCMPL: return op("cmpl", "(JJ" + TAPE_DESC + ")I");
            case Opcodes.DCMPG: return op("cmpg", "(JJ" + TAPE_DESC + ")I");
            case Opcodes.D2I: return op("d2i", "(J" + TAPE_DESC + ")I");
            case Opcodes.D2L: return op("d2l", "(J" + TAPE_DESC + ")J");
            case Opcodes.D2F: return op("d2f", "(J" + TAPE_DESC + ")F");
            case Opcodes.L2D: return op("l2d", "(J" + TAPE_DESC + ")J");
            case Opcodes.DALOAD: return op("daload", "([DI" + TAPE_DESC + ")J");
            case Opcodes.DASTORE: return op("dastore", "([DIJ" + TAPE_DESC + ")V");
            default: return null;
        }
    }

    /** Instructions that produce a double from a non-double: keep them, then box the result as a passive slot. */
    static boolean producesPassiveDouble(int opcode) {
        return opcode == Opcodes.I2D;
    }

    /** Instructions that only move a double: their long counterparts, or -1. */
    static int moving(int opcode) {
        switch (opcode) {
            case Opcodes.DLOAD: return Opcodes.LLOAD;
            case Opcodes.DSTORE: return Opcodes.LSTORE;
            case Opcodes.DRETURN: return Opcodes.LRETURN;
            default: return -1;
        }
    }

    /** DCONST_0 and DCONST_1 as long constants holding the same bits. */
    static boolean pushConstant(int opcode, MethodVisitor mv) {
        if (opcode == Opcodes.DCONST_0) {
            mv.visitInsn(Opcodes.LCONST_0); // +0.0 has all bits zero
            return true;
        }
        if (opcode == Opcodes.DCONST_1) {
            mv.visitLdcInsn(Double.doubleToRawLongBits(1.0));
            return true;
        }
        return false;
    }

    private static String[] op(String name, String desc) {
        return new String[] {OPS, name, desc};
    }

    private static String[] flt(String name, String desc) {
        return new String[] {FLOAT_OPS, name, desc};
    }
}
