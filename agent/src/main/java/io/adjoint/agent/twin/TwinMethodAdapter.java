package io.adjoint.agent.twin;

import io.adjoint.internal.Primitives;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.Attribute;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.TypePath;

import static io.adjoint.agent.twin.TwinOpcodes.OPS;
import static io.adjoint.agent.twin.TwinOpcodes.TAPE_DESC;

/**
 * Rewrites one method body into its twin (see {@link TwinGenerator}). Local variable slots keep their
 * numbers; the tape, passed as the last parameter, is moved to a slot past all of the original's locals.
 */
final class TwinMethodAdapter extends MethodVisitor {
    private final int paramSlots;
    private final int tapeVar;
    private String where;
    private String sourceFile;
    private final ClassHierarchy hierarchy;
    private int nextLocal;
    private int line;
    /** In a constructor's twin branch: double fields written before super(...) wait for {@code this}. */
    private final boolean constructorBranch;
    private boolean beforeSuper;
    private int pendingNews;
    /** The {@code <init>} calls (numbered in order) that twin code makes through {@link #CONSTRUCT}. */
    private java.util.BitSet newDupInits = new java.util.BitSet();
    private int initCalls;

    /** Sets which {@code <init>} calls construct through a handle: {@link #newDupInits(String, MethodNode)}. */
    TwinMethodAdapter constructingByHandle(java.util.BitSet inits) {
        this.newDupInits = inits;
        return this;
    }

    /**
     * The {@code <init>} calls of {@code m} (numbered in order, as this adapter sees them) whose object was made by
     * {@code NEW C; DUP} right before the arguments: javac's {@code new C(...)}. There the two uninitialised copies
     * are the top two values under the arguments, so twin code may drop them and push an object made elsewhere. A
     * super(...) or this(...) call, or any other shape, keeps {@code invokespecial}.
     */
    static java.util.BitSet newDupInits(String owner, org.objectweb.asm.tree.MethodNode m) {
        java.util.BitSet safe = new java.util.BitSet();
        int maxStack = m.maxStack;
        org.objectweb.asm.tree.analysis.Frame<org.objectweb.asm.tree.analysis.SourceValue>[] frames;
        try {
            m.maxStack = maxStack + 64; // preaccumulation may have pushed more than the class file's max_stack
            frames = new org.objectweb.asm.tree.analysis.Analyzer<>(
                    new org.objectweb.asm.tree.analysis.SourceInterpreter()).analyze(owner, m);
        } catch (org.objectweb.asm.tree.analysis.AnalyzerException | RuntimeException e) {
            return safe; // every call keeps invokespecial
        } finally {
            m.maxStack = maxStack;
        }
        int k = 0;
        for (int i = 0; i < m.instructions.size(); i++) {
            if (!(m.instructions.get(i) instanceof org.objectweb.asm.tree.MethodInsnNode c) || !c.name.equals("<init>")) {
                continue;
            }
            var f = frames[i];
            int args = Type.getArgumentTypes(c.desc).length;
            if (f != null && f.getStackSize() >= args + 2) {
                var receiver = f.getStack(f.getStackSize() - args - 1);
                var below = f.getStack(f.getStackSize() - args - 2);
                // ASM's frames give both copies of a DUP the DUP as source: the two values under the arguments come
                // from one DUP, right after a NEW
                if (receiver.insns.size() == 1 && below.insns.equals(receiver.insns)) {
                    var dup = receiver.insns.iterator().next();
                    if (dup.getOpcode() == Opcodes.DUP && previous(dup) != null
                            && previous(dup).getOpcode() == Opcodes.NEW) {
                        safe.set(k);
                    }
                }
            }
            k++;
        }
        return safe;
    }

    private static org.objectweb.asm.tree.AbstractInsnNode previous(org.objectweb.asm.tree.AbstractInsnNode n) {
        org.objectweb.asm.tree.AbstractInsnNode p = n.getPrevious();
        while (p != null && p.getOpcode() < 0) { // labels, line numbers, frames
            p = p.getPrevious();
        }
        return p;
    }

    TwinMethodAdapter(MethodVisitor mv, int paramSlots, int tapeVar, String where, String sourceFile,
                      ClassHierarchy hierarchy, String companion) {
        this(mv, paramSlots, tapeVar, where, sourceFile, hierarchy, false);
        this.companion = companion;
    }

    /** The class holding the generated preaccumulation methods, or null. */
    private String companion;

    /**
     * @param paramSlots where the tape parameter is (a twin method), or -1 when the caller has already put the
     *                   tape in {@code tapeVar} (a constructor's twin branch)
     */
    TwinMethodAdapter(MethodVisitor mv, int paramSlots, int tapeVar, String where, String sourceFile,
                      ClassHierarchy hierarchy, boolean constructorBranch) {
        super(Opcodes.ASM9, mv);
        this.constructorBranch = constructorBranch;
        this.beforeSuper = constructorBranch;
        this.paramSlots = paramSlots;
        this.tapeVar = tapeVar;
        this.where = where;
        this.sourceFile = sourceFile;
        this.hierarchy = hierarchy;
        this.nextLocal = tapeVar + 1;
    }

    private void loadTape() {
        super.visitVarInsn(Opcodes.ALOAD, tapeVar);
    }

    /** "pkg.Class.method(File.java:42)", for messages that must name the caller's source line. */
    private String where() {
        return where + "(" + (sourceFile == null ? "Unknown Source" : sourceFile) + (line > 0 ? ":" + line : "") + ")";
    }

    @Override
    public void visitCode() {
        super.visitCode();
        if (paramSlots >= 0 && tapeVar != paramSlots) {
            super.visitVarInsn(Opcodes.ALOAD, paramSlots);
            super.visitVarInsn(Opcodes.ASTORE, tapeVar);
        }
        int caches = 0;
        for (int c : cacheOf) {
            caches = Math.max(caches, c + 1);
        }
        if (caches > 0) { // every cache starts empty: no array, generation 0 (never a real one)
            cacheVars = new int[caches];
            cacheSites = new int[caches];
            for (int c = 0; c < caches; c++) {
                cacheSites[c] = io.adjoint.internal.Ops.newShadowSite();
                int base = nextLocal;
                nextLocal += 4;
                cacheVars[c] = base;
                super.visitInsn(Opcodes.ACONST_NULL);
                super.visitVarInsn(Opcodes.ASTORE, base);
                super.visitInsn(Opcodes.ACONST_NULL);
                super.visitVarInsn(Opcodes.ASTORE, base + 1);
                super.visitInsn(Opcodes.LCONST_0);
                super.visitVarInsn(Opcodes.LSTORE, base + 2);
            }
            indexVar = nextLocal++;
            valueVar = nextLocal;
            nextLocal += 2;
        }
    }

    // ---- shadow caches of array element sites (see ShadowCaches) --------------------------------------

    /** Per DALOAD/DASTORE, in order, its cache or -1 (ShadowCaches.sites); set before the method is visited. */
    private int[] cacheOf = new int[0];
    /** Per cache, its first local: the array (+0), its shadow or null (+1), the generation (+2, a long). */
    private int[] cacheVars;
    /** Per cache, its site id: on a miss the shadow is looked up in the site's table (Shadows.arrayShadow(a, site)). */
    private int[] cacheSites;
    private int indexVar, valueVar;
    private int siteOrdinal;

    void cacheShadows(int[] cacheOf) {
        this.cacheOf = cacheOf;
    }

    /**
     * An element read or write with its site's cache: the shadow is looked up again only when the array is not the
     * one cached, or when the cache holds "no shadow" and the recording's shadows changed since (an array got one). A
     * cached shadow is believed without more: an array's shadow is never replaced during a recording, and this
     * activation runs in one recording. A miss asks the cache's table in the recording's shadows first, which keeps
     * its last answer across calls (a short loop's first element in a method called again and again). Returns false
     * when the site has no cache.
     */
    private boolean cachedElement(int opcode) {
        int site = siteOrdinal++;
        if (site >= cacheOf.length || cacheOf[site] < 0) {
            return false;
        }
        int base = cacheVars[cacheOf[site]];
        if (opcode == Opcodes.DASTORE) {                  // [arr i v]
            super.visitVarInsn(Opcodes.LSTORE, valueVar);
        }
        super.visitVarInsn(Opcodes.ISTORE, indexVar);     // [arr]
        Label miss = new Label(), join = new Label();
        super.visitInsn(Opcodes.DUP);
        super.visitVarInsn(Opcodes.ALOAD, base);
        super.visitJumpInsn(Opcodes.IF_ACMPNE, miss);
        super.visitVarInsn(Opcodes.ALOAD, base + 1);
        super.visitInsn(Opcodes.DUP);                     // [arr s]
        super.visitJumpInsn(Opcodes.IFNONNULL, join);
        super.visitInsn(Opcodes.POP);                     // [arr]
        loadTape();
        super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "shadowGeneration", "(" + TAPE_DESC + ")J", false);
        super.visitVarInsn(Opcodes.LLOAD, base + 2);
        super.visitInsn(Opcodes.LCMP);
        super.visitJumpInsn(Opcodes.IFNE, miss);
        super.visitInsn(Opcodes.ACONST_NULL);             // [arr null]
        super.visitJumpInsn(Opcodes.GOTO, join);
        super.visitLabel(miss);                           // [arr]
        super.visitInsn(Opcodes.LCONST_0);                // emptied first: should anything below throw (a stack
        super.visitVarInsn(Opcodes.LSTORE, base + 2);     // overflow caught by the method), no half-filled cache:
        super.visitInsn(Opcodes.ACONST_NULL);             // the new array with the old array's shadow would be
        super.visitVarInsn(Opcodes.ASTORE, base + 1);     // believed, a null with generation 0 never is
        super.visitInsn(Opcodes.DUP);
        super.visitVarInsn(Opcodes.ASTORE, base);
        super.visitInsn(Opcodes.DUP);
        super.visitLdcInsn(cacheSites[cacheOf[site]]);
        loadTape();
        super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "arrayShadow", "(Ljava/lang/Object;I" + TAPE_DESC + ")[J", false);
        super.visitInsn(Opcodes.DUP);
        super.visitVarInsn(Opcodes.ASTORE, base + 1);     // [arr s]
        loadTape();
        super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "shadowGeneration", "(" + TAPE_DESC + ")J", false);
        super.visitVarInsn(Opcodes.LSTORE, base + 2);
        super.visitLabel(join);
        super.visitVarInsn(Opcodes.ILOAD, indexVar);
        if (opcode == Opcodes.DASTORE) {
            super.visitVarInsn(Opcodes.LLOAD, valueVar);
            loadTape();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "dastore", "([D[JIJ" + TAPE_DESC + ")V", false);
        } else {
            loadTape();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "daload", "([D[JI" + TAPE_DESC + ")J", false);
        }
        return true;
    }

    /** The code that follows is {@code where}'s, from {@code sourceFile}: an inlined callee, or the caller again. */
    void codeOf(String where, String sourceFile) {
        this.where = where;
        this.sourceFile = sourceFile;
    }

    @Override
    public void visitLineNumber(int line, Label start) {
        this.line = line;
        super.visitLineNumber(line, start);
    }

    // ---- instructions ----------------------------------------------------------------------------

    @Override
    public void visitInsn(int opcode) {
        if ((opcode == Opcodes.DALOAD || opcode == Opcodes.DASTORE) && cachedElement(opcode)) {
            return;
        }
        String[] op = TwinOpcodes.computing(opcode);
        if (op != null) {
            loadTape();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, op[0], op[1], op[2], false);
        } else if (TwinOpcodes.producesPassiveDouble(opcode)) {
            super.visitInsn(opcode);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "fromDouble", "(D)J", false);
        } else if (TwinOpcodes.moving(opcode) >= 0) {
            super.visitInsn(TwinOpcodes.moving(opcode));
        } else if (!TwinOpcodes.pushConstant(opcode, mv)) {
            super.visitInsn(opcode);
        }
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        int moved = TwinOpcodes.moving(opcode);
        super.visitVarInsn(moved >= 0 ? moved : opcode, var);
    }

    @Override
    public void visitLdcInsn(Object value) {
        if (value instanceof Double d) {
            super.visitLdcInsn(io.adjoint.internal.Slot.passive(d));
        } else if (value instanceof Float f) {
            super.visitLdcInsn(io.adjoint.internal.FloatOps.fromFloat(f));
        } else {
            super.visitLdcInsn(value);
        }
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String desc) {
        if (desc.equals("D") || desc.equals("F")) {
            realField(opcode, owner, name, desc);
        } else {
            super.visitFieldInsn(opcode, owner, name, desc);
        }
    }

    /**
     * A double or float field: the real field holds the primal value, the shadows the slot (Ops for doubles, whose
     * slots travel as longs; FloatOps for floats, which travel as float handles).
     */
    private void realField(int opcode, String owner, String name, String desc) {
        boolean isFloat = desc.equals("F");
        String ops = isFloat ? TwinOpcodes.FLOAT_OPS : OPS;
        String slot = isFloat ? "F" : "J"; // the field's value as twin code carries it
        int fieldId = io.adjoint.internal.Ops.fieldId(declaringClassOfField(owner, name, desc).replace('/', '.') + "." + name);
        switch (opcode) {
            case Opcodes.GETFIELD -> {                    // [obj]
                super.visitInsn(Opcodes.DUP);             // [obj obj]
                super.visitFieldInsn(opcode, owner, name, desc); // [obj value]
                if (isFloat) {
                    super.visitLdcInsn(fieldId);
                    loadTape();
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, ops, "getField",
                            "(Ljava/lang/Object;" + desc + "I" + TAPE_DESC + ")" + slot, false);
                } else {                                  // in-object shadow or the map: linked by the declaring class
                    loadTape();
                    super.visitInvokeDynamicInsn(name, "(Ljava/lang/Object;D" + TAPE_DESC + ")J", LINK_FIELD,
                            Opcodes.GETFIELD, owner, fieldId);
                }
            }
            case Opcodes.GETSTATIC -> {
                super.visitFieldInsn(opcode, owner, name, desc);
                super.visitLdcInsn(fieldId);
                loadTape();
                super.visitMethodInsn(Opcodes.INVOKESTATIC, ops, "getStatic", "(" + desc + "I" + TAPE_DESC + ")" + slot, false);
            }
            case Opcodes.PUTFIELD -> {                    // [obj slot]
                if (beforeSuper) {                        // obj is the uninitialised this: no calls on it yet
                    deferredFloats |= isFloat;
                    if (!isFloat && !deferred.contains(name)) {
                        deferred.add(name);       // a field of this very class (the JVM allows no other here)
                        deferredOwner = owner;
                    }
                    if (isFloat) {
                        loadTape();
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, ops, "toSlot", "(F" + TAPE_DESC + ")J", false);
                    }
                    super.visitLdcInsn(fieldId);
                    loadTape();
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "deferField", "(JI" + TAPE_DESC + ")D", false);
                    if (isFloat) {
                        super.visitInsn(Opcodes.D2F);
                    }
                    super.visitFieldInsn(opcode, owner, name, desc);
                    return;
                }
                if (isFloat) {                            // [obj F] -> [obj obj F]
                    super.visitInsn(Opcodes.DUP_X1);      // [F obj F]
                    super.visitInsn(Opcodes.POP);         // [F obj]
                    super.visitInsn(Opcodes.DUP_X1);      // [obj F obj]
                    super.visitInsn(Opcodes.SWAP);        // [obj obj F]
                } else {                                  // [obj J] -> [obj obj J]
                    super.visitInsn(Opcodes.DUP2_X1);     // [J obj J]
                    super.visitInsn(Opcodes.POP2);        // [J obj]
                    super.visitInsn(Opcodes.DUP_X2);      // [obj J obj]
                    super.visitInsn(Opcodes.DUP_X2);      // [obj obj J obj]
                    super.visitInsn(Opcodes.POP);         // [obj obj J]
                }
                putShadow(isFloat, owner, name, fieldId);  // [obj value]
                super.visitFieldInsn(opcode, owner, name, desc);
            }
            case Opcodes.PUTSTATIC -> {
                super.visitLdcInsn(fieldId);
                loadTape();
                super.visitMethodInsn(Opcodes.INVOKESTATIC, ops, "putStatic", "(" + slot + "I" + TAPE_DESC + ")" + desc, false);
                super.visitFieldInsn(opcode, owner, name, desc);
            }
            default -> throw new IllegalStateException("field opcode " + opcode);
        }
    }

    /** [obj slot] -> [value]: records the slot of a field write, leaves the primal value for the real PUTFIELD. */
    private void putShadow(boolean isFloat, String owner, String name, int fieldId) {
        if (isFloat) {
            super.visitLdcInsn(fieldId);
            loadTape();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, TwinOpcodes.FLOAT_OPS, "putField",
                    "(Ljava/lang/Object;FI" + TAPE_DESC + ")F", false);
        } else {
            loadTape();
            super.visitInvokeDynamicInsn(name, "(Ljava/lang/Object;J" + TAPE_DESC + ")D", LINK_FIELD,
                    Opcodes.PUTFIELD, owner, fieldId);
        }
    }

    static final Handle LINK_FIELD = new Handle(Opcodes.H_INVOKESTATIC, "io/adjoint/agent/link/FieldShadows", "link",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;ILjava/lang/String;I)"
                    + "Ljava/lang/invoke/CallSite;", false);

    /** Double fields of {@code this} written before super(...) in a constructor's twin branch (deferred). */
    private final java.util.List<String> deferred = new java.util.ArrayList<>();
    private String deferredOwner;
    private boolean deferredFloats;

    /** Fields accessed through a subclass are one field: key shadows by the class that declares it. */
    private String declaringClassOfField(String owner, String name, String fieldDesc) {
        for (String c = owner; c != null; ) {
            byte[] b = hierarchy.bytes(c);
            if (b == null) {
                break;
            }
            org.objectweb.asm.ClassReader r = new org.objectweb.asm.ClassReader(b);
            boolean[] found = {false};
            r.accept(new org.objectweb.asm.ClassVisitor(Opcodes.ASM9) {
                @Override
                public org.objectweb.asm.FieldVisitor visitField(int a, String n, String d, String s, Object v) {
                    if (n.equals(name) && d.equals(fieldDesc)) {
                        found[0] = true;
                    }
                    return null;
                }
            }, ClassReader_SKIP_ALL);
            if (found[0]) {
                return c;
            }
            c = r.getSuperName();
        }
        return owner;
    }

    private static final int ClassReader_SKIP_ALL = org.objectweb.asm.ClassReader.SKIP_CODE
            | org.objectweb.asm.ClassReader.SKIP_DEBUG | org.objectweb.asm.ClassReader.SKIP_FRAMES;

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean isInterface) {
        if (owner.equals(Preaccumulation.MARKER)) { // the root of a preaccumulated expression
            if (name.equals(Preaccumulation.OWNER)) { // the node a loop-carried sum made, for its next iteration
                super.visitMethodInsn(Opcodes.INVOKESTATIC, TwinOpcodes.TAPE, "owner", "(J)I", false);
                return;
            }
            loadTape();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, companion, name, Preaccumulation.descriptor(desc), false);
            return;
        }
        if (owner.startsWith("[") && name.equals("clone")) {
            loadTape();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "cloneArray",
                    "(Ljava/lang/Object;" + TAPE_DESC + ")Ljava/lang/Object;", false);
            return;
        }
        if (name.equals("<init>")) {
            boolean superCall = pendingNews == 0;
            if (!superCall) {
                pendingNews--;
            }
            constructorCall(owner, desc, isInterface, newDupInits.get(initCalls++));
            if (superCall && beforeSuper) {
                beforeSuper = false;
                for (String field : deferred) { // this.field's deferred slot, written as twin code writes fields
                    int fieldId = io.adjoint.internal.Ops.fieldId(deferredOwner.replace('/', '.') + "." + field);
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitLdcInsn(fieldId);
                    loadTape();
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "takeDeferred", "(I" + TAPE_DESC + ")J", false);
                    putShadow(false, deferredOwner, field, fieldId);
                    super.visitInsn(Opcodes.POP2); // the field holds its primal value already
                }
                if (deferredFloats) { // floats: the map
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    loadTape();
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "flushDeferred", "(Ljava/lang/Object;" + TAPE_DESC + ")V", false);
                }
            }
            return;
        }
        // invokespecial (super.m(), private m()) stays valid only inside the host itself: the twin lives in a
        // companion class, so every such call is linked (a JDK super method becomes a boundary call)
        if (opcode != Opcodes.INVOKESPECIAL && !needsLinking(owner, name, desc)) {
            super.visitMethodInsn(opcode, owner, name, desc, isInterface);
            return;
        }
        int kind = switch (opcode) {
            case Opcodes.INVOKESTATIC -> TwinGenerator.STATIC;
            case Opcodes.INVOKEVIRTUAL -> TwinGenerator.VIRTUAL;
            case Opcodes.INVOKEINTERFACE -> TwinGenerator.INTERFACE;
            default -> TwinGenerator.SPECIAL;
        };
        String siteDesc = TwinGenerator.twinDescriptor(owner, opcode == Opcodes.INVOKESTATIC, desc);
        loadTape();
        super.visitInvokeDynamicInsn(name, siteDesc, TwinGenerator.LINK, kind, owner, desc, where());
    }

    /** Calls that can never carry a derivative stay plain calls: JDK methods with no double in sight. */
    private static boolean needsLinking(String owner, String name, String desc) {
        if (owner.startsWith("[")) {
            return false;
        }
        if (Primitives.lookup(owner, name, desc) != null) {
            return true;
        }
        boolean jdk = owner.startsWith("java/") || owner.startsWith("javax/") || owner.startsWith("jdk/")
                || owner.startsWith("sun/") || owner.startsWith("com/sun/");
        return !jdk || TwinGenerator.mentionsReals(desc);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        if (opcode == Opcodes.NEW) {
            pendingNews++;
        }
        super.visitTypeInsn(opcode, type);
    }

    private static boolean isJdk(String owner) {
        return owner.startsWith("java/") || owner.startsWith("javax/") || owner.startsWith("jdk/")
                || owner.startsWith("sun/") || owner.startsWith("com/sun/");
    }

    /**
     * A constructor cannot have a twin method (it must initialise its object), so twin code calls the real
     * constructor with primal values, leaving the slots in a frame that names it ({@code Entry.constructorCall}).
     * The agent gives constructors of the application a twin branch that takes them back. After the call,
     * {@code Entry.constructorReturned} refuses an active argument that no twin branch took. JDK constructors get
     * primal values, and an active double among them is refused at once.
     */
    private void constructorCall(String owner, String desc, boolean isInterface, boolean byHandle) {
        Type[] args = Type.getArgumentTypes(desc);
        boolean hasDouble = false;
        for (Type t : args) {
            hasDouble |= TwinGenerator.isReal(t);
        }
        boolean jdk = isJdk(owner);
        if (jdk && !hasDouble) {
            super.visitMethodInsn(Opcodes.INVOKESPECIAL, owner, "<init>", desc, isInterface);
            return;
        }
        String callee = owner.replace('/', '.') + ".<init>" + desc;
        int[] slots = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            slots[i] = nextLocal;
            nextLocal += args[i].getSize();
        }
        for (int i = args.length - 1; i >= 0; i--) {
            super.visitVarInsn(TwinGenerator.slot(args[i]).getOpcode(Opcodes.ISTORE), slots[i]);
        }
        int frame = -1;
        if (!jdk) { // a pooled frame (Entry.constructorCall), the slots of the double arguments stored in it
            pushInt(args.length);
            super.visitLdcInsn(callee);
            loadTape();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, ENTRY, "constructorCall",
                    "(ILjava/lang/String;" + TAPE_DESC + ")L" + ENTRY + "$Frame;", false);
            frame = nextLocal++;
            super.visitInsn(Opcodes.DUP);
            super.visitVarInsn(Opcodes.ASTORE, frame);
            super.visitFieldInsn(Opcodes.GETFIELD, ENTRY + "$Frame", "slots", "[J");
            for (int i = 0; i < args.length; i++) {
                if (TwinGenerator.isReal(args[i])) {
                    super.visitInsn(Opcodes.DUP);
                    pushInt(i);
                    loadAsSlot(args[i], slots[i]);
                    super.visitInsn(Opcodes.LASTORE);
                }
            }
            super.visitInsn(Opcodes.POP);
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].getSort() == Type.FLOAT) {
                loadAsSlot(args[i], slots[i]); // as a double slot, then back to a plain float below
            } else {
                super.visitVarInsn(TwinGenerator.slot(args[i]).getOpcode(Opcodes.ILOAD), slots[i]);
            }
            if (TwinGenerator.isReal(args[i])) {
                if (jdk) {
                    super.visitLdcInsn(callee + " called at " + where());
                    loadTape();
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "opaqueArgument",
                            "(JLjava/lang/String;" + TAPE_DESC + ")D", false);
                } else {
                    loadTape();
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, OPS, "primal", "(J" + TAPE_DESC + ")D", false);
                }
                if (args[i].getSort() == Type.FLOAT) {
                    super.visitInsn(Opcodes.D2F); // the primal of a float slot is a float: exact
                }
            }
        }
        if (!jdk && byHandle) {
            // new C; dup; args; invokespecial C.<init> becomes: new C; dup; args; frame; invokedynamic -> a C made by
            // the class's twin constructor (or, where it has none, by the constructor itself: its twin branch takes
            // the frame). The two uninitialised copies of the NEW are dropped, the made object takes their place.
            super.visitVarInsn(Opcodes.ALOAD, frame);
            super.visitInvokeDynamicInsn("construct", desc.substring(0, desc.indexOf(')'))
                    + ConstructorBranches.FRAME_DESC + ")L" + owner + ";", CONSTRUCT, owner, desc);
            super.visitInsn(Opcodes.DUP_X2);
            super.visitInsn(Opcodes.POP);
            super.visitInsn(Opcodes.POP2);
        } else {
            super.visitMethodInsn(Opcodes.INVOKESPECIAL, owner, "<init>", desc, isInterface);
        }
        if (!jdk) {
            super.visitVarInsn(Opcodes.ALOAD, frame);
            loadTape();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, ENTRY, "constructorReturned",
                    "(L" + ENTRY + "$Frame;" + TAPE_DESC + ")V", false);
        }
    }

    private static final String ENTRY = "io/adjoint/internal/Entry";
    static final Handle CONSTRUCT = new Handle(Opcodes.H_INVOKESTATIC, TwinGenerator.LINKER, "construct",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/String;"
                    + "Ljava/lang/String;)Ljava/lang/invoke/CallSite;", false);

    /** Loads a double (a slot already) or a float (converted to its slot) held in a local. */
    private void loadAsSlot(Type t, int local) {
        if (t.getSort() == Type.FLOAT) {
            super.visitVarInsn(Opcodes.FLOAD, local);
            loadTape();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, TwinOpcodes.FLOAT_OPS, "toSlot", "(F" + TAPE_DESC + ")J", false);
        } else {
            super.visitVarInsn(Opcodes.LLOAD, local);
        }
    }

    private void pushInt(int i) {
        if (i <= 5) {
            super.visitInsn(Opcodes.ICONST_0 + i);
        } else {
            super.visitIntInsn(Opcodes.SIPUSH, i);
        }
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String desc, Handle bsm, Object... bsmArgs) {
        boolean hasDouble = false;
        for (Type t : Type.getArgumentTypes(desc)) {
            hasDouble |= TwinGenerator.isReal(t);
        }
        hasDouble |= TwinGenerator.isReal(Type.getReturnType(desc));
        boolean lambda = bsm.getOwner().equals("java/lang/invoke/LambdaMetafactory");
        if (!hasDouble && !lambda) {
            super.visitInvokeDynamicInsn(name, desc, bsm, bsmArgs);
            return;
        }
        // Same bootstrap, same arguments, but the site takes slots: Linker.adaptIndy converts at the edge.
        Object[] args = new Object[bsmArgs.length + 3];
        args[0] = bsm;
        args[1] = desc;
        args[2] = where();
        System.arraycopy(bsmArgs, 0, args, 3, bsmArgs.length);
        super.visitInvokeDynamicInsn(name, TwinGenerator.slotDescriptor(desc), TwinGenerator.ADAPT_INDY, args);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        super.visitMaxs(0, 0); // recomputed by the writer
    }

    // ---- drop what does not fit a twin: debug types of locals, annotations, unknown attributes ------

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        // recomputed by the writer (COMPUTE_FRAMES)
    }

    @Override
    public void visitLocalVariable(String name, String desc, String signature, Label start, Label end, int index) {
    }

    @Override
    public AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath, Label[] start, Label[] end,
                                                          int[] index, String descriptor, boolean visible) {
        return null;
    }

    @Override
    public void visitParameter(String name, int access) {
    }

    @Override
    public AnnotationVisitor visitAnnotationDefault() {
        return null;
    }

    @Override
    public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
        return null;
    }

    @Override
    public AnnotationVisitor visitTypeAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
        return null;
    }

    @Override
    public void visitAnnotableParameterCount(int parameterCount, boolean visible) {
    }

    @Override
    public AnnotationVisitor visitParameterAnnotation(int parameter, String descriptor, boolean visible) {
        return null;
    }

    @Override
    public AnnotationVisitor visitInsnAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
        return null;
    }

    @Override
    public AnnotationVisitor visitTryCatchAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
        return null;
    }

    @Override
    public void visitAttribute(Attribute attribute) {
    }
}
