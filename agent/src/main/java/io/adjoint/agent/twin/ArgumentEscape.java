package io.adjoint.agent.twin;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Interpreter;
import org.objectweb.asm.tree.analysis.Value;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a method may let one of its {@code double[]} parameters escape: keep the reference after it returns
 * (a field, a static, another array, a lambda, a return value) or hand it to code that might. A gradient call
 * copies its input (the function must not see, keep or change the caller's array); when the function provably
 * only reads and writes elements of the copy and takes its length, {@code Gradients} reuses one copy per thread
 * instead of allocating one per call, which no one can observe.
 *
 * <p>Read from class files, never by loading classes. Conservative: allowed are element reads and writes, {@code
 * arraylength}, null and identity comparisons, {@code clone()}, {@code System.arraycopy}, {@code Arrays.copyOf} and
 * {@code copyOfRange}, and passing the array to a static method, or a private method of the same class, whose own
 * parameter does not escape (followed through at most {@link #MAX_METHODS} methods). Anything else, or a method
 * that cannot be read, counts as an escape.
 */
public final class ArgumentEscape {
    /** Methods read per question at most; past that, the answer is "may escape". */
    static final int MAX_METHODS = 200;

    private final ClassHierarchy classes;
    /** Answers so far: owner.name.desc#param; an entry in progress counts as not escaping (recursion). */
    private final Map<String, Boolean> known = new HashMap<>();
    private final Map<String, ClassNode> classNodes = new HashMap<>();
    private int read;

    private ArgumentEscape(ClassHierarchy classes) {
        this.classes = classes;
    }

    /**
     * True when the method {@code owner.name desc} (internal name; the method declared there) may let its parameter
     * {@code param} (0-based, the receiver not counted) escape, or when that cannot be decided.
     */
    public static boolean mayEscape(ClassLoader loader, String owner, String name, String desc, int param) {
        try {
            return new ArgumentEscape(new ClassHierarchy(loader)).escapes(owner, name, desc, param);
        } catch (RuntimeException | StackOverflowError e) {
            return true;
        }
    }

    private boolean escapes(String owner, String name, String desc, int param) {
        String key = owner + "." + name + desc + "#" + param;
        Boolean answer = known.get(key);
        if (answer != null) {
            return answer;
        }
        if (++read > MAX_METHODS) {
            return true;
        }
        known.put(key, false); // a recursive call of this method: decided by its other uses
        boolean escapes = analyze(owner, name, desc, param);
        known.put(key, escapes);
        return escapes;
    }

    private boolean analyze(String owner, String name, String desc, int param) {
        Type[] params = Type.getArgumentTypes(desc);
        if (param < 0 || param >= params.length || !params[param].getDescriptor().equals("[D")) {
            return true;
        }
        MethodNode m = method(owner, name, desc);
        if (m == null || (m.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
            return true;
        }
        boolean isStatic = (m.access & Opcodes.ACC_STATIC) != 0;
        int local = isStatic ? 0 : 1;
        for (int i = 0; i < param; i++) {
            local += params[i].getSize();
        }
        Taint taint = new Taint(owner, local);
        try {
            new Analyzer<>(taint).analyze(owner, m);
        } catch (AnalyzerException e) {
            return true;
        }
        return taint.escapes;
    }

    private MethodNode method(String owner, String name, String desc) {
        ClassNode c = classNodes.computeIfAbsent(owner, o -> {
            byte[] b = classes.bytes(o);
            if (b == null) {
                return null;
            }
            ClassNode n = new ClassNode();
            new ClassReader(b).accept(n, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return n;
        });
        if (c == null) {
            return null;
        }
        for (MethodNode m : c.methods) {
            if (m.name.equals(name) && m.desc.equals(desc)) {
                return m;
            }
        }
        return null;
    }

    /** A value of the analysis: its size, and whether it may be the parameter's array. */
    record V(int size, boolean array) implements Value {
        static final V ONE = new V(1, false), TWO = new V(2, false), PARAM = new V(1, true);

        @Override
        public int getSize() {
            return size;
        }
    }

    /** Follows the parameter's array through locals and the stack; notes every use that is not allowed. */
    private final class Taint extends Interpreter<V> {
        private final String owner;
        private final int paramLocal;
        boolean escapes;

        Taint(String owner, int paramLocal) {
            super(Opcodes.ASM9);
            this.owner = owner;
            this.paramLocal = paramLocal;
        }

        private void use(V v) {
            if (v != null && v.array()) {
                escapes = true;
            }
        }

        @Override
        public V newValue(Type type) {
            if (type == Type.VOID_TYPE) {
                return null;
            }
            return type == null || type.getSize() == 1 ? V.ONE : V.TWO;
        }

        @Override
        public V newParameterValue(boolean isInstanceMethod, int local, Type type) {
            return local == paramLocal ? V.PARAM : newValue(type);
        }

        @Override
        public V newOperation(AbstractInsnNode insn) {
            return switch (insn.getOpcode()) {
                case Opcodes.LCONST_0, Opcodes.LCONST_1, Opcodes.DCONST_0, Opcodes.DCONST_1 -> V.TWO;
                case Opcodes.LDC -> {
                    Object c = ((org.objectweb.asm.tree.LdcInsnNode) insn).cst;
                    yield c instanceof Long || c instanceof Double ? V.TWO : V.ONE;
                }
                case Opcodes.GETSTATIC -> newValue(Type.getType(((org.objectweb.asm.tree.FieldInsnNode) insn).desc));
                default -> V.ONE;
            };
        }

        @Override
        public V copyOperation(AbstractInsnNode insn, V value) {
            return value; // loads, stores, DUPs, SWAP: the same value
        }

        @Override
        public V unaryOperation(AbstractInsnNode insn, V value) {
            switch (insn.getOpcode()) {
                case Opcodes.ARRAYLENGTH, Opcodes.IFNULL, Opcodes.IFNONNULL, Opcodes.INSTANCEOF, Opcodes.POP:
                    break;
                case Opcodes.CHECKCAST:
                    return value; // the same reference
                default:
                    use(value); // PUTSTATIC, ATHROW, MONITORENTER, ...
            }
            return switch (insn.getOpcode()) {
                case Opcodes.I2L, Opcodes.I2D, Opcodes.L2D, Opcodes.F2L, Opcodes.F2D, Opcodes.D2L, Opcodes.LNEG,
                        Opcodes.DNEG -> V.TWO;
                case Opcodes.GETFIELD -> newValue(Type.getType(((org.objectweb.asm.tree.FieldInsnNode) insn).desc));
                default -> V.ONE;
            };
        }

        @Override
        public V binaryOperation(AbstractInsnNode insn, V value1, V value2) {
            int op = insn.getOpcode();
            if (op != Opcodes.DALOAD && op != Opcodes.IF_ACMPEQ && op != Opcodes.IF_ACMPNE) {
                use(value1); // PUTFIELD of the array, AALOAD from it as if it were Object[], ...
            }
            use(value2);
            return switch (op) {
                case Opcodes.LALOAD, Opcodes.DALOAD, Opcodes.LADD, Opcodes.DADD, Opcodes.LSUB, Opcodes.DSUB,
                        Opcodes.LMUL, Opcodes.DMUL, Opcodes.LDIV, Opcodes.DDIV, Opcodes.LREM, Opcodes.DREM,
                        Opcodes.LSHL, Opcodes.LSHR, Opcodes.LUSHR, Opcodes.LAND, Opcodes.LOR, Opcodes.LXOR -> V.TWO;
                default -> V.ONE;
            };
        }

        @Override
        public V ternaryOperation(AbstractInsnNode insn, V value1, V value2, V value3) {
            if (insn.getOpcode() != Opcodes.DASTORE) {
                use(value1);
            }
            use(value2);
            use(value3); // AASTORE of the array into another array
            return null;
        }

        @Override
        public V naryOperation(AbstractInsnNode insn, List<? extends V> values) {
            if (insn instanceof MethodInsnNode call) {
                boolean hasReceiver = call.getOpcode() != Opcodes.INVOKESTATIC;
                for (int i = 0; i < values.size(); i++) {
                    if (values.get(i).array() && !allowed(call, hasReceiver ? i - 1 : i)) {
                        escapes = true;
                    }
                }
                Type ret = Type.getReturnType(call.desc);
                return newValue(ret);
            }
            for (V v : values) {
                use(v); // invokedynamic (a lambda capturing it, string concatenation), MULTIANEWARRAY
            }
            return insn.getOpcode() == Opcodes.INVOKEDYNAMIC
                    ? newValue(Type.getReturnType(((org.objectweb.asm.tree.InvokeDynamicInsnNode) insn).desc))
                    : V.ONE;
        }

        /** Whether passing the array as argument {@code arg} (-1: the receiver) of {@code call} keeps it inside. */
        private boolean allowed(MethodInsnNode call, int arg) {
            String key = call.owner + "." + call.name + call.desc;
            if (key.equals("java/lang/System.arraycopy(Ljava/lang/Object;ILjava/lang/Object;II)V")
                    || key.equals("java/util/Arrays.copyOf([DI)[D")
                    || key.equals("java/util/Arrays.copyOfRange([DII)[D")
                    || (arg == -1 && call.name.equals("clone") && call.desc.equals("()Ljava/lang/Object;")
                        && call.owner.equals("[D"))) {
                return true;
            }
            // the method the call runs is known: a static one, or a private one of this class (invokespecial, or
            // invokevirtual as javac emits it since nestmates)
            boolean exact = call.getOpcode() == Opcodes.INVOKESTATIC
                    || ((call.getOpcode() == Opcodes.INVOKESPECIAL || call.getOpcode() == Opcodes.INVOKEVIRTUAL)
                        && call.owner.equals(owner) && isPrivate(call));
            return exact && arg >= 0 && !call.name.equals("<init>") && !escapes(call.owner, call.name, call.desc, arg);
        }

        private boolean isPrivate(MethodInsnNode call) {
            MethodNode m = method(call.owner, call.name, call.desc);
            return m != null && (m.access & Opcodes.ACC_PRIVATE) != 0;
        }

        @Override
        public void returnOperation(AbstractInsnNode insn, V value, V expected) {
            use(value);
        }

        @Override
        public V merge(V a, V b) {
            if (a.equals(b)) {
                return a;
            }
            return new V(Math.min(a.size, b.size), a.array() || b.array());
        }
    }
}
