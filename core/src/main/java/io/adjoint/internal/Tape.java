package io.adjoint.internal;

import io.adjoint.NotDifferentiableException;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * A thread's recording of one evaluation: a Jacobian tape in struct-of-arrays form.
 *
 * <p>Node {@code i} has a primal value {@code value[i]} and {@code arity[i]} arguments; the arguments of
 * all nodes lie one after the other in {@code argNode}/{@code partial}, each with the local partial
 * derivative computed while recording (seed notes, step 2). The reverse sweep (step 4) walks the nodes
 * from last to first and does {@code adj[arg] += partial * adj[node]}; no per-node objects, no recursion.
 * A binary operation costs 8 + 1 + 2 * (4 + 8) = 33 bytes; the value array is reused for the adjoints.
 *
 * <p>In second-order mode ({@link #open(boolean)}, for Hessians) nonlinear operations also record their
 * local second derivatives: one <em>curvature record</em> per node whose local Hessian is not zero, holding
 * the node index ({@code hNode}) and the upper triangle of the arity-by-arity local Hessian, row by row
 * ({@code hValue}: 1, 3 or 6 entries). Linear operations (add, sub, neg, scaling by a constant) write none,
 * and first-order recording never touches these arrays. The sweeps are in {@link Sweeps}.
 *
 * <p>Tapes are reused across calls: {@link #open()} hands out the thread's idle tape (a nested recording
 * gets a second one) and {@link #close()} resets it.
 */
public final class Tape {
    /** A thread's tapes (a nested recording takes the next one) and how many are open. */
    private static final class Pool {
        final ArrayList<Tape> tapes = new ArrayList<>();
        int depth;
        /** The thread this pool belongs to (only that thread ever touches the rest). */
        final Thread thread = Thread.currentThread();
    }

    private static final ThreadLocal<Pool> POOL = ThreadLocal.withInitial(Pool::new);
    final Pool pool; // null for a detached copy (package-private: tests check that)
    /** The entry state of the thread this tape belongs to (reached without a thread-local lookup). */
    final Entry.State entryState;

    // the recording's arrays: a pooled tape starts with room for 1,024 nodes and 2,048 arguments, a detached copy with
    // exactly what it copies (its constructor allocates nothing here)
    double[] value;
    byte[] arity;
    int nodes;
    int[] argNode;
    double[] partial;
    int args;

    /** Whether nonlinear operations also record their local second derivatives (for Hessians). */
    boolean secondOrder;

    /** Whether this recording also takes local second derivatives (Hessians). */
    public boolean isSecondOrder() {
        return secondOrder;
    }
    int[] hNode = new int[0];
    double[] hValue = new double[0];
    int hCount;
    int hValues;

    /** Work arrays of the sweeps, kept with the tape so that repeated calls do not allocate. */
    private final double[][] scratch = new double[3][];

    /** Shadows of double[] arrays and double fields written with active values during this recording. */
    final Shadows shadows = new Shadows(this);
    /**
     * The node of element 0 of the private input while its shadow is Shadows.UNWRITTEN_INPUT (nothing written: element
     * i is node unwrittenBase + i), else -1. Kept here, one load from the tape in Ops.daload; Shadows keeps it.
     */
    int unwrittenBase = -1;

    /**
     * This recording's identity, unique in the JVM for good (never reused, never 0): in-object field shadows
     * ({@link Ops#shadowGet}) are believed only by the recording whose stamp they carry. A tape takes a block of
     * {@link #STAMP_BLOCK} stamps at once from {@link #STAMPS} and counts through it, one per recording, taking
     * the next free block when it is used up: blocks never overlap, so stamps of different tapes (threads,
     * nested recordings) never meet, and opening a recording costs no atomic operation (64 bits of blocks do
     * not run out: 2^43 blocks).
     */
    long stamp;
    /** The end of this tape's block of stamps (exclusive). */
    long stampEnd;
    static final long STAMP_BLOCK = 1L << 20;
    private static final java.util.concurrent.atomic.AtomicLong STAMPS = new java.util.concurrent.atomic.AtomicLong();

    private Tape(Pool pool) {
        this.pool = pool;
        this.entryState = pool == null ? null : Entry.state(); // a detached copy never records
        if (pool != null) {
            value = new double[1024];
            arity = new byte[1024];
            argNode = new int[2048];
            partial = new double[2048];
        }
    }

    /** Opens a fresh recording on this thread. Always pair with {@link #close()} in a finally block. */
    public static Tape open() {
        return open(POOL.get());
    }

    /**
     * Opens a fresh recording on this thread, through a cache of the calling thread's pool kept by the caller
     * (a {@code Gradient}, called again and again, mostly from one thread): a hit costs one load and one
     * comparison with {@code Thread.currentThread()} (an intrinsic) instead of the thread-local lookup. The
     * cache holds a {@link Pool}, whose {@code thread} is final: a racy read from another thread sees a whole
     * pool, not its own, and takes the thread-local path. It keeps at most one pool (the last thread's) alive
     * as long as the caller lives.
     */
    public static Tape open(PoolCache cache) {
        Pool p = cache.pool;
        if (p == null || p.thread != Thread.currentThread()) {
            p = POOL.get();
            cache.pool = p;
        }
        return open(p);
    }

    /** Where a caller keeps the pool of the thread that last opened a recording through it (see above). */
    public static class PoolCache {
        Pool pool;
    }

    private static Tape open(Pool p) {
        if (p.depth == p.tapes.size()) {
            p.tapes.add(new Tape(p));
        }
        Tape t = p.tapes.get(p.depth++);
        if (t.nodes != 0 || t.secondOrder) { // close() has reset it already, unless it was never closed
            t.reset();
        }
        if (++t.stamp >= t.stampEnd) {
            t.newStampBlock();
        }
        Entry.opened();
        return t;
    }

    /** Takes the next free block of stamps (the first time, and every {@link #STAMP_BLOCK} recordings). */
    void newStampBlock() {
        stamp = STAMPS.addAndGet(STAMP_BLOCK); // blocks start at STAMP_BLOCK: 0 is never a stamp
        stampEnd = stamp + STAMP_BLOCK;
    }

    /** Opens a fresh recording that also records local second derivatives when {@code secondOrder}. */
    public static Tape open(boolean secondOrder) {
        Tape t = open();
        t.secondOrder = secondOrder;
        t.reopenLimit = secondOrder ? -1 : MAX_ARITY;
        return t;
    }

    /** The innermost open recording of this thread, or null. Used only on slow paths (boundaries). */
    public static Tape current() {
        Pool p = POOL.get();
        return p.depth == 0 ? null : p.tapes.get(p.depth - 1);
    }

    /** Frames for constructor calls of twin code (Entry.constructorCall), reused: index = nesting depth. */
    private Entry.Frame[] constructorFrames = new Entry.Frame[4];
    private int constructorDepth;

    Entry.Frame constructorFrame(int count) {
        if (constructorDepth == constructorFrames.length) {
            constructorFrames = Arrays.copyOf(constructorFrames, constructorDepth * 2);
        }
        Entry.Frame f = constructorFrames[constructorDepth];
        if (f == null || f.slots.length < count) {
            f = new Entry.Frame(new long[Math.max(count, 4)], false, null, this);
            constructorFrames[constructorDepth] = f;
        } else {
            Arrays.fill(f.slots, 0, count, 0L);
        }
        constructorDepth++;
        return f;
    }

    /** A constructor that throws never releases its frame: harmless, the next call takes the next one. */
    void constructorFrameReleased() {
        if (constructorDepth > 0) {
            constructorDepth--;
        }
    }

    /** Whether {@code stamp} is that of a recording of this thread that is open around this one. */
    boolean enclosingStamp(long stamp) {
        for (int i = 0; i < pool.depth; i++) {
            Tape outer = pool.tapes.get(i);
            if (outer != this && outer.stamp == stamp) {
                return true;
            }
        }
        return false;
    }

    /**
     * A copy of this finished recording that outlives it, for sweeps only (Gradients.hessianAt and jacobianAt keep one
     * to apply H(x) or J(x) to many vectors): the nodes, arguments and curvature records, trimmed to their size. It is
     * never opened nor closed and never records; the sweeps' work arrays are its own. This tape stays the thread's,
     * with its capacity, and closes as usual.
     */
    public Tape detached() {
        Tape d = new Tape((Pool) null); // no pool: it must not keep the thread's tapes alive with it
        d.value = Arrays.copyOf(value, nodes);
        d.arity = Arrays.copyOf(arity, nodes);
        d.nodes = nodes;
        d.leadingInputs = leadingInputs;
        d.argNode = Arrays.copyOf(argNode, args);
        d.partial = Arrays.copyOf(partial, args);
        d.args = args;
        d.hNode = Arrays.copyOf(hNode, hCount);
        d.hValue = Arrays.copyOf(hValue, hValues);
        d.hCount = hCount;
        d.hValues = hValues;
        d.secondOrder = secondOrder;
        return d;
    }

    /** Ends this recording and releases what it holds. */
    public void close() {
        trim(nodes, args);
        reset();
        pool.depth--;
        Entry.closed(this);
    }

    /** Capacities above this (entries) are given back when a recording used less than an eighth of them. */
    private static final int KEEP = 1 << 22;

    /**
     * A thread's tape grows to its largest recording; after one huge gradient, small ones should not keep
     * hundreds of megabytes alive in every pooled thread.
     */
    private void trim(int usedNodes, int usedArgs) {
        if (value.length > KEEP && usedNodes < value.length / 8) {
            int n = Math.max(1024, usedNodes * 2);
            value = Arrays.copyOf(value, n);
            arity = Arrays.copyOf(arity, n);
        }
        if (argNode.length > KEEP && usedArgs < argNode.length / 8) {
            int n = Math.max(2048, usedArgs * 2);
            argNode = Arrays.copyOf(argNode, n);
            partial = Arrays.copyOf(partial, n);
        }
    }

    private void reset() {
        privateInputShadow = null;
        for (Tape side : sides) {
            if (side != null) {
                side.value = NO_VALUES; // keeps no array of this tape alive (trim may have replaced it)
                side.nodes = 0;
                if (side.argNode.length > KEEP) { // after a huge side run, as trim does for this tape
                    side.argNode = new int[2048];
                    side.partial = new double[2048];
                }
            }
        }
        constructorDepth = 0;
        nodes = 0;
        leadingInputs = 0;
        args = 0;
        secondOrder = false;
        reopenLimit = MAX_ARITY;
        accumulated = NO_ACCUMULATION; // node indices start again
        hCount = 0;
        hValues = 0;
        shadows.clear();
    }

    public int size() {
        return nodes;
    }

    // ---- recording -------------------------------------------------------------------------------

    /** A new independent variable. */
    public long input(double v) {
        ensureNodes();
        value[nodes] = v;
        arity[nodes] = 0;
        if (leadingInputs == nodes) {
            leadingInputs++;
        }
        return Slot.active(nodes++);
    }

    /** How many nodes from 0 on are inputs (no arguments): the reverse sweep stops above them. */
    private int leadingInputs;

    /** An independent variable per element of {@code values}, in order; their slots go to {@code slots} unless null. */
    void inputs(double[] values, long[] slots) {
        int n = values.length;
        while ((long) nodes + n > value.length) {
            int c = grow(value.length);
            value = Arrays.copyOf(value, c);
            arity = Arrays.copyOf(arity, c);
        }
        int first = nodes;
        double[] value = this.value;
        byte[] arity = this.arity;
        if (n <= 32 && slots != null) { // one pass (a gradient of few inputs paid three stub calls here)
            for (int i = 0; i < n; i++) {
                value[first + i] = values[i];
                arity[first + i] = 0;
                slots[i] = Slot.active(first + i);
            }
        } else { // simple passes, two of them the JIT's copy and fill stubs: half the time of one mixed pass
            System.arraycopy(values, 0, value, first, n);
            Arrays.fill(arity, first, first + n, (byte) 0);
            if (slots != null) {
                for (int i = 0; i < n; i++) {
                    slots[i] = Slot.active(first + i);
                }
            }
        }
        if (leadingInputs == first) {
            leadingInputs = first + n;
        }
        nodes = first + n;
    }

    /** A node with one active argument {@code a} and local partial {@code da}. */
    public long push1(double v, long a, double da) {
        if (nodes == value.length || args + 1 > argNode.length) {
            makeRoom(1);
        }
        argNode[args] = Slot.node(a);
        partial[args++] = da;
        value[nodes] = v;
        arity[nodes] = 1;
        return Slot.active(nodes++);
    }

    /** A node with two active arguments. */
    public long push2(double v, long a, double da, long b, double db) {
        if (nodes == value.length || args + 2 > argNode.length) {
            makeRoom(2);
        }
        argNode[args] = Slot.node(a);
        partial[args++] = da;
        argNode[args] = Slot.node(b);
        partial[args++] = db;
        value[nodes] = v;
        arity[nodes] = 2;
        return Slot.active(nodes++);
    }

    /** A node with three active arguments. */
    public long push3(double v, long a, double da, long b, double db, long c, double dc) {
        if (nodes == value.length || args + 3 > argNode.length) {
            makeRoom(3);
        }
        argNode[args] = Slot.node(a);
        partial[args++] = da;
        argNode[args] = Slot.node(b);
        partial[args++] = db;
        argNode[args] = Slot.node(c);
        partial[args++] = dc;
        value[nodes] = v;
        arity[nodes] = 3;
        return Slot.active(nodes++);
    }

    /** The most arguments one node may have (arity is stored in a byte). */
    public static final int MAX_ARITY = 127;

    // ---- preaccumulated expressions: begin(k), arg(slot, partial) for each operand, end(value) ------

    private int openArgs;

    /** Starts a node with up to {@code k} arguments (twin code for a whole expression, see Preaccumulation). */
    public void begin(int k) {
        if (k > MAX_ARITY) {
            throw new IllegalArgumentException("a tape node has at most " + MAX_ARITY + " arguments, not " + k);
        }
        if (nodes == value.length || args + k > argNode.length) {
            makeRoom(k);
        }
        openArgs = args;
    }

    /**
     * Ends the node of {@code acc + e} (or {@code acc - e}) begun by {@link #begin} with the arguments of {@code e}, where
     * the partial of the sum with respect to the accumulator {@code acc} is exactly 1: a loop-carried sum ({@code s +=
     * w[i] * x[i]}, Rosenbrock's {@code f += ...}). When {@code acc} is the node just before this one and {@code owned}
     * says that nobody but the accumulator holds it, the new arguments are <em>merged into it</em> (they follow its own
     * on the tape) and it takes the new sum as its value: one node for the whole loop (up to {@link #MAX_ARITY}
     * arguments), instead of one per iteration each with the previous sum as an argument: less tape, and no dependent
     * chain through the sums in the reverse sweep. Otherwise {@code acc} is added as an argument (partial 1) and the
     * node ends as {@link #end} would end it.
     *
     * <p>{@code owned} comes from the twin: the node the site's accumulator local got from its last accumulation
     * ({@link #owner}), or -1 once anything else may have read that local (a copy of the old sum, an argument of
     * another node: the old value would silently change meaning). The old value itself was read before (the new sum is
     * computed first), and nothing else can see it. Only the node the last accumulation made or extended is merged
     * into (never an input, nor a node made otherwise), and nothing while second derivatives are recorded (curvature
     * records name nodes by index and arity).
     */
    public long endAccumulate(double v, long acc, int owned) {
        // Written for the JIT: the generated methods that call this must stay small enough, in compiled code too, to be
        // inlined into their loops (each test that never fails costs an uncommon trap there, tens of bytes of state).
        // So: two tests that go both ways, no array read, one store of the node's value and arity for both outcomes.
        int at = nodes;
        int open = openArgs;
        // acc holds the last node, made or extended by the last accumulation (so not an input, and its arity is
        // known), and its site owns it
        if ((owned == at - 1) & (acc == accumulated)) {
            int a = accumulatedArity;
            if (a + (args - open) <= reopenLimit) { // the cap; -1 in second-order mode
                at--;
                open -= a; // its arguments come just before the new ones
                acc = 0L; // passive: not an argument of its own node
            }
        }
        if (Slot.isActive(acc)) { // begin reserved room for it
            argNode[args] = Slot.node(acc);
            partial[args++] = 1.0;
        }
        int k = args - open;
        value[at] = v;
        arity[at] = (byte) k;
        nodes = at + 1;
        long r = Slot.active(at);
        accumulated = r;
        accumulatedArity = k;
        return r;
    }

    // ---- accumulation runs: a loop-carried sum's node left open across iterations ------------------------------
    //
    // Twin code (agent twin/AccumulationRuns) keeps a run's state in its own locals: where the node's arguments begin
    // (open), the cursor (the next free argument) and the running value. Each iteration writes its arguments at the
    // cursor (runArg) and nothing else; the node is written once, by runEnd, before anything else records or reads
    // the sum (and when it is full: the next run takes it as first argument). Until then the arguments lie past `args`,
    // where the next recording operation would overwrite them: a run abandoned (its frame gone, its local
    // overwritten) leaves no trace on the tape. So the loop carries its cursor and sum in registers instead of
    // storing and reloading the tape's fields each iteration.

    /**
     * Starts a run that extends the sum {@code acc}: room for {@link #MAX_ARITY} arguments and the node, {@code acc}
     * as the first argument (partial 1) when active; returns the cursor, with {@link #runFrom()} and {@link #runValue()}
     * (acc's value) to be read at once. Returns -1 while second derivatives are recorded: runs never start then (the
     * block's usual path records them).
     */
    public int runOpen(long acc) {
        if (secondOrder) {
            return -1;
        }
        if (nodes == value.length || args + MAX_ARITY > argNode.length) {
            makeRoom(MAX_ARITY);
        }
        runFrom = args;
        runValue = val(acc, this);
        return runArg(args, acc, 1.0);
    }

    /** Where the run {@link #runOpen} started last begins its arguments. */
    private int runFrom;

    public int runFrom() {
        return runFrom;
    }

    /** Writes the argument {@code slot} with partial {@code d} at cursor {@code p} when active; the next cursor. */
    public int runArg(int p, long slot, double d) {
        if (Slot.isActive(slot)) {
            argNode[p] = Slot.node(slot);
            partial[p] = d;
            return p + 1;
        }
        return p;
    }

    /** The value a run's block computed last, or the sum a run starts from (set, then read back by the twin at once). */
    private double runValue;

    public void runValue(double v) {
        runValue = v;
    }

    public double runValue() {
        return runValue;
    }

    /**
     * Ends a run: the node of value {@code v} with the arguments in {@code [open, p)}, or the passive {@code v} when it
     * has none (a sum of constants). Nothing recorded since {@link #runOpen} (the twin ends a run before any other
     * recording operation), so the arguments are the last ones and the node the next.
     */
    public long runEnd(int open, int p, double v) {
        if (p == open) {
            return Slot.passive(v);
        }
        if (nodes == value.length) {
            ensureNodes();
        }
        args = p;
        value[nodes] = v;
        arity[nodes] = (byte) (p - open);
        accumulated = NO_ACCUMULATION; // endAccumulate merges only into the node it made last
        return Slot.active(nodes++);
    }

    // ---- side runs: more loop-carried sums kept open in the loop of a run (s += a; q += b;), which cannot write at
    //      the tape's cursor too. The block's run variant of each writes at the cursor of a side tape of its own, a view
    //      of this one that reads this tape's values for the leaves (the value array as it was at the start, which keeps
    //      the nodes recorded until then unchanged; a node recorded since, say a sum ended after the loop whose value
    //      the side run reads in the loop's next round, is read from this tape); the arguments become nodes of this
    //      tape where the side run ends, after the loop's run has ended.

    /** For a side tape, the tape it belongs to (its values are read there past the nodes it was opened with). */
    private Tape main;

    /** The most sums of one loop that run at once: one at the tape's cursor, the others on side tapes. */
    public static final int MAX_SIDE_RUNS = 3;
    /** This tape's side tapes (see above), each made on first use. */
    private final Tape[] sides = new Tape[MAX_SIDE_RUNS];
    private static final double[] NO_VALUES = new double[0];

    /**
     * Opens a side run from the sum {@code acc} on side tape {@code which} (0 to {@link #MAX_SIDE_RUNS} - 1: one per
     * other sum of the loop): returns it, its {@link #runFrom()} the cursor after {@code acc} and its
     * {@link #runValue()} acc's value; null while second derivatives are recorded.
     */
    public Tape sideOpen(long acc, int which) {
        if (secondOrder) {
            return null;
        }
        Tape s = sides[which];
        if (s == null) {
            s = new Tape(pool);
            s.main = this;
            sides[which] = s;
        }
        s.value = value;
        s.nodes = nodes;
        s.runValue = val(acc, this);
        s.runFrom = s.runArg(0, acc, 1.0);
        return s;
    }

    /** Called on the side tape: room for {@link #MAX_ARITY} more arguments from cursor {@code p}; returns {@code p}. */
    public int sideRoom(int p) {
        if (p + MAX_ARITY > argNode.length) {
            int n = grow(argNode.length);
            argNode = Arrays.copyOf(argNode, n);
            partial = Arrays.copyOf(partial, n);
        }
        return p;
    }

    /**
     * Ends a side run: the arguments {@code [0, p)} on side tape {@code s} become nodes of this tape of at most
     * {@link #MAX_ARITY} arguments, each after the first taking the one before as an argument (partial 1), the last one
     * of value {@code v} (the others' values are never read: no slot holds them); or the passive {@code v} when there
     * are none. The twin ends the run of the same loop first, so these are the next nodes.
     */
    public long sideEnd(Tape s, int p, double v) {
        if (p == 0) {
            return Slot.passive(v);
        }
        long node = 0;
        for (int from = 0; from < p; ) {
            boolean chained = from > 0;
            int k = Math.min(p - from, chained ? MAX_ARITY - 1 : MAX_ARITY);
            makeRoom(k + 1);
            int open = args;
            if (chained) {
                argNode[args] = Slot.node(node);
                partial[args++] = 1.0;
            }
            System.arraycopy(s.argNode, from, argNode, args, k);
            System.arraycopy(s.partial, from, partial, args, k);
            args += k;
            from += k;
            value[nodes] = v;
            arity[nodes] = (byte) (args - open);
            node = Slot.active(nodes++);
        }
        accumulated = NO_ACCUMULATION;
        return node;
    }

    /** An active slot whose node never exists (index 2^50 - 1): no accumulation yet. */
    private static final long NO_ACCUMULATION = Slot.TAG | ((1L << 50) - 1);

    /** The node the last {@link #endAccumulate} made or extended (or {@link #NO_ACCUMULATION}), and its arity. */
    private long accumulated = NO_ACCUMULATION;
    private int accumulatedArity;

    /** The most arguments an extended node may reach: {@link #MAX_ARITY}, or -1 (never) in second-order mode. */
    private int reopenLimit = MAX_ARITY;

    /** What twin code keeps of an accumulation's result {@code slot} for {@link #endAccumulate}: its node, or -1. */
    public static int owner(long slot) {
        return Slot.isActive(slot) ? Slot.node(slot) : -1;
    }

    /** Adds an argument to the node begun; passive operands are skipped. */
    public void arg(long slot, double partial) {
        if (Slot.isActive(slot)) {
            argNode[args] = Slot.node(slot);
            this.partial[args++] = partial;
        }
    }

    /** Ends the node begun, with primal value {@code v}. */
    public long end(double v) {
        value[nodes] = v;
        arity[nodes] = (byte) (args - openArgs);
        return Slot.active(nodes++);
    }

    /** The value of any slot, for twin code: the double itself when passive. */
    public static double val(long slot, Tape t) {
        return Slot.isPassive(slot) ? Slot.value(slot) : t.valueOf(slot);
    }

    /** A node with any number of active arguments (user rules): {@code args[0..k)}, {@code partials[0..k)}. */
    public long pushN(double v, long[] args, double[] partials, int k) {
        if (k > MAX_ARITY) {
            throw new IllegalArgumentException("a tape node has at most " + MAX_ARITY + " arguments, not " + k);
        }
        if (secondOrder) {
            throw new io.adjoint.NotDifferentiableException("a rule registered with Rules.register gives first "
                    + "derivatives only, so Hessians through it are not available");
        }
        ensureNodes();
        ensureArgs(k);
        for (int i = 0; i < k; i++) {
            argNode[this.args] = Slot.node(args[i]);
            partial[this.args++] = partials[i];
        }
        value[nodes] = v;
        arity[nodes] = (byte) k;
        return Slot.active(nodes++);
    }

    /** Replaces the recorded value of an active slot (a rule whose primal comes from another library). */
    public void setValue(long activeSlot, double v) {
        value[Slot.node(activeSlot)] = v;
    }

    /** {@link #push1(double, long, double)} plus the local second derivative {@code daa} (second-order mode). */
    public long push1(double v, long a, double da, double daa) {
        long r = push1(v, a, da);
        if (daa != 0.0) {
            curvature(1);
            hValue[hValues++] = daa;
        }
        return r;
    }

    /** {@link #push2(double, long, double, long, double)} plus the local second derivatives (second-order mode). */
    public long push2(double v, long a, double da, long b, double db, double daa, double dab, double dbb) {
        long r = push2(v, a, da, b, db);
        if (daa != 0.0 || dab != 0.0 || dbb != 0.0) {
            curvature(3);
            hValue[hValues++] = daa;
            hValue[hValues++] = dab;
            hValue[hValues++] = dbb;
        }
        return r;
    }

    /** {@link #push3} plus the upper triangle of the local Hessian, row by row (second-order mode). */
    public long push3(double v, long a, double da, long b, double db, long c, double dc,
                      double daa, double dab, double dac, double dbb, double dbc, double dcc) {
        long r = push3(v, a, da, b, db, c, dc);
        if (daa != 0.0 || dab != 0.0 || dac != 0.0 || dbb != 0.0 || dbc != 0.0 || dcc != 0.0) {
            curvature(6);
            hValue[hValues++] = daa;
            hValue[hValues++] = dab;
            hValue[hValues++] = dac;
            hValue[hValues++] = dbb;
            hValue[hValues++] = dbc;
            hValue[hValues++] = dcc;
        }
        return r;
    }

    /** Opens a curvature record of {@code entries} values for the node just pushed. */
    private void curvature(int entries) {
        if (hCount == hNode.length) {
            hNode = Arrays.copyOf(hNode, Math.max(256, grow(hNode.length)));
        }
        if (hValues + entries > hValue.length) {
            hValue = Arrays.copyOf(hValue, Math.max(1024, grow(hValue.length)));
        }
        hNode[hCount++] = nodes - 1;
    }

    /** Number of local Hessian entries of a node with {@code arity} arguments (upper triangle). */
    static int triangle(int arity) {
        return arity * (arity + 1) / 2;
    }

    /** Work arrays up to this many doubles (8 MB) stay with the tape; larger ones are left to the GC. */
    private static final int SCRATCH_KEPT = 1 << 20;

    /** A work array of at least {@code length} doubles; its contents are arbitrary. */
    double[] scratch(int which, int length) {
        double[] a = scratch[which];
        if (a != null && a.length >= length) {
            return a;
        }
        if (length > SCRATCH_KEPT) {
            return new double[length];
        }
        a = new double[Math.min(SCRATCH_KEPT, Math.max(length, a == null ? 0 : 2 * a.length))];
        scratch[which] = a;
        return a;
    }

    /** The primal value of any slot recorded on this tape. */
    public double primal(long slot) {
        return Slot.isActive(slot) ? value[Slot.node(slot)] : Slot.value(slot);
    }

    /** The value of an active slot; the caller knows it is active. */
    double valueOf(long activeSlot) {
        int n = Slot.node(activeSlot);
        if (n >= nodes) {
            if (main != null) { // a side tape: a node the tape recorded after the side run opened
                return main.valueOf(activeSlot);
            }
            throw new NotDifferentiableException("an active value outlived the recording that made it "
                    + "(kept in a static or shared place across gradient calls?)");
        }
        return value[n];
    }

    /**
     * Makes room for one node with {@code k} arguments. Kept out of the push methods so that they stay
     * small enough for the JIT to inline into twin code.
     */
    private void makeRoom(int k) {
        ensureNodes();
        ensureArgs(k);
    }

    private void ensureNodes() {
        if (nodes == value.length) {
            int n = grow(value.length);
            value = Arrays.copyOf(value, n);
            arity = Arrays.copyOf(arity, n);
        }
    }

    private void ensureArgs(int k) {
        if (args + k > argNode.length) {
            int n = grow(argNode.length);
            argNode = Arrays.copyOf(argNode, n);
            partial = Arrays.copyOf(partial, n);
        }
    }

    private static int grow(int length) {
        if (length >= (1 << 30)) {
            throw new OutOfMemoryError("Adjoint tape exceeds 2^30 entries");
        }
        return length * 2;
    }

    // ---- reverse sweep ---------------------------------------------------------------------------

    /**
     * Reverse sweep from {@code output} with seed 1; returns the adjoints of nodes {@code 0..n-1}
     * (the inputs, which {@link #input} placed first). Consumes the recorded values.
     */
    public double[] gradient(long output, int n) {
        if (!Slot.isActive(output)) {
            return new double[n];
        }
        double[] adj = adjoints(output, n);
        // a copy, not new + arraycopy: the JIT then skips zeroing the result first (a second pass over n doubles);
        // inputs above the output were zeroed by the fill: 0, not stale values
        return n > 8 ? Arrays.copyOf(adj, n) : copyFew(adj, n);
    }

    /** {@link #gradient(long, int)} written into {@code g} (its length is the number of inputs). */
    public void gradientInto(long output, double[] g) {
        int n = g.length;
        if (!Slot.isActive(output)) {
            Arrays.fill(g, 0.0);
            return;
        }
        double[] adj = adjoints(output, n);
        if (n > 8) {
            System.arraycopy(adj, 0, g, 0, n);
        } else { // a few by a loop (see copyFew)
            for (int i = 0; i < n; i++) {
                g[i] = adj[i];
            }
        }
    }

    /** The reverse sweep from {@code output} (active) with seed 1, over the value array, which it returns. */
    private double[] adjoints(long output, int n) {
        int top = Slot.node(output);
        double[] adj = value; // the primal values are no longer needed: reuse their memory
        // inputs recorded after the output (f(x, y) = x) are not swept: they must read 0, not their primal
        Arrays.fill(adj, 0, Math.max(top + 1, n), 0.0);
        adj[top] = 1.0;
        sweep(adj, top);
        return adj;
    }

    /**
     * The shadow of this recording's input copy while no code but twin code and Adjoint's memory rules can have written
     * the copy (null otherwise): element reads of it skip the freshness check (Ops.daload), since every write kept its
     * shadow in step. Set by {@link #privateInput}; dropped for good by {@link #handedOut}. A large input has no shadow
     * written at first (Shadows.UNWRITTEN_INPUT), and reads through that marker are trusted the same way.
     */
    long[] privateInputShadow;

    /**
     * Seeds {@code xs}, a copy of the input no one else can reach, for a function that provably keeps its argument to
     * itself (it reads and writes elements and passes it only to methods that do the same, see
     * Engine.argumentMayEscape), and trusts it (see privateInputShadow): the trust is dropped for good by
     * {@link #handedOut} when twin code hands the copy to code that runs uninstrumented after all (a callee whose class
     * could not be transformed, a JDK method without a rule), and with the recording. From
     * {@link #UNWRITTEN_INPUT_FROM} elements on, its shadow is not written: element i is input node i until twin code
     * writes it or something other than an element site asks for its shadow (Shadows.UNWRITTEN_INPUT).
     */
    public void privateInput(double[] xs) {
        if (xs.length >= UNWRITTEN_INPUT_FROM && shadows.pinUnwrittenInput(xs, nodes)) {
            inputs(xs, null);
        } else { // a small input (or not first: never from Gradients)
            long[] s = Ops.seed(xs, this);
            privateInputShadow = shadows.pinned() == xs ? s : null; // (always: seeded first after open)
        }
    }

    /**
     * Inputs this long and longer are seeded without writing their shadow (Shadows.UNWRITTEN_INPUT): from here on
     * the shadow (8 bytes per element) no longer fits a core's first-level cache, and writing it and reading it back
     * cost more than computing the slots. Below, a shadow in cache is as cheap to read. The system property
     * {@code adjoint.unwrittenFrom} changes it, for tests: 0 sends every private input through the marker.
     */
    static final int UNWRITTEN_INPUT_FROM = Integer.getInteger("adjoint.unwrittenFrom", 4096);

    /** Called with the arguments of every call from twin code into uninstrumented code: see privateInputShadow. */
    public void handedOut(Object[] arguments) {
        if (privateInputShadow != null || unwrittenBase >= 0) {
            Object input = shadows.pinned();
            for (Object a : arguments) {
                if (a == input) {
                    privateInputShadow = null;
                    shadows.materializeInput(); // reads through the marker are trusted: checked from now on
                    return;
                }
            }
        }
    }

    /** The input copy kept for the next recording (see reusedInputCopy); only this tape ever refers to it. */
    private double[] inputCopy;
    private static final int INPUT_COPY_KEPT = 1 << 20; // elements (8 MB); larger copies are left to the GC

    /**
     * A copy of {@code x} in an array this tape keeps and hands out again for the next recording of the same length:
     * for functions that provably keep nothing of their argument (Gradients asks the engine), so that nobody can
     * tell it from a fresh copy; it saves the allocation, and writing fresh memory, per call (an 80-kB input copy
     * cost more than Rosenbrock's whole primal).
     */
    public double[] reusedInputCopy(double[] x) {
        int n = x.length;
        double[] c = inputCopy;
        if (c == null || c.length != n) {
            if (n > INPUT_COPY_KEPT) {
                return Arrays.copyOf(x, n);
            }
            c = new double[n];
            inputCopy = c;
        }
        if (n > 8) {
            System.arraycopy(x, 0, c, 0, n);
        } else { // a few by a loop (see copyFew)
            for (int i = 0; i < n; i++) {
                c[i] = x[i];
            }
        }
        return c;
    }

    /**
     * The first {@code n} elements of {@code a} (a few) copied by a loop, not by the arraycopy stub: on an AVX-512
     * Xeon, a gradient of sin(t)/t took 90 instead of 66 ns (CPU time) while its input was copied by the stub
     * (clone() or Arrays.copyOf), whose AVX-512 code ran just before the sin intrinsic (with -XX:UseAVX=2, 66 ns
     * either way). Gradients of a few inputs copy the input and the result here.
     */
    public static double[] copyFew(double[] a, int n) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = a[i];
        }
        return c;
    }

    /**
     * A partial reverse sweep that leaves the recording intact: the derivatives of {@code output} with respect
     * to the nodes {@code inputs}, sweeping only nodes {@code mark..output}. For a call recorded inside a larger
     * recording: {@code mark} is the tape size before the call, whose inputs were recorded first as nodes of
     * their own at or above {@code mark}; contributions to nodes below {@code mark} (the enclosing computation)
     * are not followed. An input slot that is passive or below {@code mark} gets 0.
     */
    public double[] gradientSince(long output, long[] inputs, int mark) {
        double[] g = new double[inputs.length];
        if (!Slot.isActive(output) || Slot.node(output) < mark || Slot.node(output) >= nodes) {
            return g;
        }
        int top = Slot.node(output);
        double[] adj = new double[top - mark + 1];
        adj[top - mark] = 1.0;
        int p = args;
        for (int i = nodes - 1; i > top; i--) {
            p -= arity[i];
        }
        for (int i = top; i >= mark; i--) {
            int k = arity[i];
            p -= k;
            double a = adj[i - mark];
            if (a != 0.0) {
                for (int j = p; j < p + k; j++) {
                    int n = argNode[j];
                    if (n >= mark) {
                        adj[n - mark] += partial[j] * a;
                    }
                }
            }
        }
        for (int i = 0; i < inputs.length; i++) {
            if (Slot.isActive(inputs[i]) && Slot.node(inputs[i]) >= mark && Slot.node(inputs[i]) <= top) {
                g[i] = adj[Slot.node(inputs[i]) - mark];
            }
        }
        return g;
    }

    /** Reverse sweep with the adjoints already seeded in {@code adj[0..top]}. */
    void sweep(double[] adj, int top) {
        final byte[] arity = this.arity;
        final int[] argNode = this.argNode;
        final double[] partial = this.partial;
        int p = args;
        for (int i = nodes - 1; i > top; i--) {
            p -= arity[i];
        }
        // A node's contribution to the node just below it (a chain: s = s + term, f += ...) stays in a register,
        // `carry`, instead of a store the next step would read back at once.
        int bottom = leadingInputs; // the inputs below have nothing to pass on
        double carry = 0.0;
        for (int i = top; i >= bottom; i--) {
            int k = arity[i];
            p -= k;
            double a = adj[i] + carry;
            adj[i] = a; // whole: second-order sweeps read every node's adjoint afterwards (not on the chain's path)
            carry = 0.0;
            if (a != 0.0) {
                int below = i - 1;
                // most nodes have one to three arguments: straight-line code for them, no loop set-up per node
                if (k == 2) {
                    int n0 = argNode[p], n1 = argNode[p + 1];
                    double c0 = partial[p] * a, c1 = partial[p + 1] * a;
                    if (n0 == below) carry += c0; else adj[n0] += c0;
                    if (n1 == below) carry += c1; else adj[n1] += c1;
                } else if (k == 1) {
                    int n0 = argNode[p];
                    double c0 = partial[p] * a;
                    if (n0 == below) carry += c0; else adj[n0] += c0;
                } else if (k == 3) {
                    int n0 = argNode[p], n1 = argNode[p + 1], n2 = argNode[p + 2];
                    double c0 = partial[p] * a, c1 = partial[p + 1] * a, c2 = partial[p + 2] * a;
                    if (n0 == below) carry += c0; else adj[n0] += c0;
                    if (n1 == below) carry += c1; else adj[n1] += c1;
                    if (n2 == below) carry += c2; else adj[n2] += c2;
                } else if (k != 0) {
                    for (int j = p; j < p + k; j++) {
                        int n = argNode[j];
                        double c = partial[j] * a;
                        if (n == below) carry += c; else adj[n] += c;
                    }
                }
            }
        }
        if (carry != 0.0) { // the last node swept passed something to an input just below it
            adj[bottom - 1] += carry;
        }
    }
}
