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
 * <p>Tapes are reused across calls: {@link #open()} hands out the thread's idle tape (a nested recording
 * gets a second one) and {@link #close()} resets it.
 */
public final class Tape {
    private static final ThreadLocal<ArrayList<Tape>> POOL = ThreadLocal.withInitial(ArrayList::new);
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    double[] value = new double[1024];
    byte[] arity = new byte[1024];
    int nodes;
    int[] argNode = new int[2048];
    double[] partial = new double[2048];
    int args;

    /** Shadows of double[] arrays and double fields written with active values during this recording. */
    final Shadows shadows = new Shadows();

    private Tape() {
    }

    /** Opens a fresh recording on this thread. Always pair with {@link #close()} in a finally block. */
    public static Tape open() {
        ArrayList<Tape> pool = POOL.get();
        int[] depth = DEPTH.get();
        if (depth[0] == pool.size()) {
            pool.add(new Tape());
        }
        Tape t = pool.get(depth[0]++);
        t.reset();
        return t;
    }

    /** The innermost open recording of this thread, or null. Used only on slow paths (boundaries). */
    public static Tape current() {
        int d = DEPTH.get()[0];
        return d == 0 ? null : POOL.get().get(d - 1);
    }

    /** Ends this recording and releases what it holds. */
    public void close() {
        reset();
        DEPTH.get()[0]--;
    }

    private void reset() {
        nodes = 0;
        args = 0;
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
        return Slot.active(nodes++);
    }

    /** A node with one active argument {@code a} and local partial {@code da}. */
    public long push1(double v, long a, double da) {
        ensureNodes();
        ensureArgs(1);
        argNode[args] = Slot.node(a);
        partial[args++] = da;
        value[nodes] = v;
        arity[nodes] = 1;
        return Slot.active(nodes++);
    }

    /** A node with two active arguments. */
    public long push2(double v, long a, double da, long b, double db) {
        ensureNodes();
        ensureArgs(2);
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
        ensureNodes();
        ensureArgs(3);
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

    /** The primal value of any slot recorded on this tape. */
    public double primal(long slot) {
        return Slot.isActive(slot) ? value[Slot.node(slot)] : Slot.value(slot);
    }

    /** The value of an active slot; the caller knows it is active. */
    double valueOf(long activeSlot) {
        int n = Slot.node(activeSlot);
        if (n >= nodes) {
            throw new NotDifferentiableException("an active value outlived the recording that made it "
                    + "(kept in a static or shared place across gradient calls?)");
        }
        return value[n];
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
        double[] g = new double[n];
        if (!Slot.isActive(output)) {
            return g;
        }
        int top = Slot.node(output);
        double[] adj = value; // the primal values are no longer needed: reuse their memory
        Arrays.fill(adj, 0, Math.max(top + 1, n), 0.0); // the output may be an input: clear all n as well
        adj[top] = 1.0;
        sweep(adj, top);
        System.arraycopy(adj, 0, g, 0, n);
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
        for (int i = top; i >= 0; i--) {
            int k = arity[i];
            p -= k;
            double a = adj[i];
            if (a != 0.0) {
                for (int j = p; j < p + k; j++) {
                    adj[argNode[j]] += partial[j] * a;
                }
            }
        }
    }
}
