package io.adjoint.internal;

import java.util.Arrays;

/**
 * Sweeps over a finished recording, in vector mode: {@code k} directions at once, laid out
 * {@code [node * k + d]} so that the inner loop over {@code d} is a contiguous multiply-add the JIT can
 * unroll and vectorise. None of them changes the tape: the primal values stay, and several sweeps may run
 * over one recording (a Jacobian takes one per block of {@code k} columns or rows).
 *
 * <ul>
 *   <li>{@link #tangents}: forward mode, nodes in creation order, {@code dot[i] = sum partial * dot[arg]};</li>
 *   <li>{@link #adjoints}: reverse mode, nodes last to first, {@code bar[arg] += partial * bar[i]};</li>
 *   <li>{@link #hessianTimes}: forward-over-reverse on a second-order recording: a tangent sweep, then a
 *       reverse sweep carrying {@code (adj, adjdot)}.</li>
 * </ul>
 *
 * The inputs are nodes {@code 0..n-1}, as {@link Ops#seed} makes them when called before the function runs.
 */
public final class Sweeps {
    private Sweeps() {
    }

    /** The number of directions one vector sweep carries. */
    public static final int BLOCK = 8;

    /** The highest node among the active slots of {@code outputs}, or -1 when all are passive. */
    static int top(long[] outputs) {
        int top = -1;
        for (long s : outputs) {
            if (Slot.isActive(s)) {
                top = Math.max(top, Slot.node(s));
            }
        }
        return top;
    }

    /** The position in the argument arrays of the first argument of node {@code top + 1}. */
    private static int argsBelow(Tape t, int top) {
        int p = t.args;
        for (int i = t.nodes - 1; i > top; i--) {
            p -= t.arity[i];
        }
        return p;
    }

    // ---- forward ----------------------------------------------------------------------------------

    /**
     * Forward (tangent) sweep for {@code k} directions. {@code seed[i * k + d]} is component {@code i} of
     * direction {@code d}, for the inputs {@code i < n}; returns {@code out[r * k + d]}, the directional
     * derivative of output {@code r} (zero for a passive output).
     */
    public static double[] tangents(Tape t, int n, double[] seed, int k, long[] outputs) {
        double[] out = new double[outputs.length * k];
        int top = top(outputs);
        if (top < 0) {
            return out;
        }
        double[] dot = tangentSweep(t, n, seed, k, top, 0);
        for (int r = 0; r < outputs.length; r++) {
            if (Slot.isActive(outputs[r])) {
                System.arraycopy(dot, Slot.node(outputs[r]) * k, out, r * k, k);
            }
        }
        return out;
    }

    /** Tangents of nodes {@code 0..top} in scratch array {@code which}. */
    static double[] tangentSweep(Tape t, int n, double[] seed, int k, int top, int which) {
        final byte[] arity = t.arity;
        final int[] argNode = t.argNode;
        final double[] partial = t.partial;
        final double[] dot = t.scratch(which, (top + 1) * k);
        if (k == 1) {
            return tangentSweep1(arity, argNode, partial, dot, n, seed, top);
        }
        int p = 0;
        for (int i = 0; i <= top; i++) {
            int ar = arity[i];
            int o = i * k;
            if (ar == 0) { // an input: its seed (a node made by Tape.input outside the inputs: constant)
                if (i < n) {
                    System.arraycopy(seed, o, dot, o, k);
                } else {
                    Arrays.fill(dot, o, o + k, 0.0);
                }
                continue;
            }
            double w = partial[p];
            int s = argNode[p] * k;
            for (int d = 0; d < k; d++) {
                dot[o + d] = w * dot[s + d];
            }
            for (int j = p + 1; j < p + ar; j++) {
                w = partial[j];
                s = argNode[j] * k;
                for (int d = 0; d < k; d++) {
                    dot[o + d] += w * dot[s + d];
                }
            }
            p += ar;
        }
        return dot;
    }

    /**
     * {@link #tangentSweep} for one direction ({@link #hvp}): the same operations in the same order, without the loops
     * over directions, whose set-up cost more than their one multiply-add.
     */
    private static double[] tangentSweep1(byte[] arity, int[] argNode, double[] partial, double[] dot, int n,
                                          double[] seed, int top) {
        int p = 0;
        for (int i = 0; i <= top; i++) {
            int ar = arity[i];
            if (ar == 0) {
                dot[i] = i < n ? seed[i] : 0.0;
                continue;
            }
            double d = partial[p] * dot[argNode[p]];
            for (int j = p + 1; j < p + ar; j++) {
                d += partial[j] * dot[argNode[j]];
            }
            dot[i] = d;
            p += ar;
        }
        return dot;
    }

    // ---- reverse ----------------------------------------------------------------------------------

    /**
     * Reverse (adjoint) sweep for {@code k} directions with the values kept. {@code seed[r * k + d]} is the
     * weight of output {@code r} in direction {@code d}; returns {@code in[i * k + d]} for the inputs
     * {@code i < n}: row {@code d} of {@code seed^T J}. Outputs that share a node add up.
     */
    public static double[] adjoints(Tape t, long[] outputs, double[] seed, int k, int n) {
        double[] in = new double[n * k];
        int top = top(outputs);
        if (top < 0) {
            return in;
        }
        double[] bar = t.scratch(0, (top + 1) * k);
        Arrays.fill(bar, 0, (top + 1) * k, 0.0);
        for (int r = 0; r < outputs.length; r++) {
            if (Slot.isActive(outputs[r])) {
                int o = Slot.node(outputs[r]) * k;
                for (int d = 0; d < k; d++) {
                    bar[o + d] += seed[r * k + d];
                }
            }
        }
        final byte[] arity = t.arity;
        final int[] argNode = t.argNode;
        final double[] partial = t.partial;
        int p = argsBelow(t, top);
        for (int i = top; i >= 0; i--) {
            int ar = arity[i];
            p -= ar;
            int o = i * k;
            if (ar == 0 || allZero(bar, o, k)) {
                continue; // nothing flows back from here (as in Tape.sweep, 0 * inf stays 0)
            }
            for (int j = p; j < p + ar; j++) {
                double w = partial[j];
                int s = argNode[j] * k;
                for (int d = 0; d < k; d++) {
                    bar[s + d] += w * bar[o + d];
                }
            }
        }
        System.arraycopy(bar, 0, in, 0, Math.min(n, top + 1) * k);
        return in;
    }

    /** First-order adjoints of all nodes {@code 0..node(output)} for seed 1 (values kept), or null if passive. */
    public static double[] adjoint(Tape t, long output) {
        if (!Slot.isActive(output)) {
            return null;
        }
        int top = Slot.node(output);
        double[] adj = new double[top + 1];
        adj[top] = 1.0;
        t.sweep(adj, top);
        return adj;
    }

    private static boolean allZero(double[] a, int from, int k) {
        for (int d = 0; d < k; d++) {
            if (a[from + d] != 0.0) {
                return false;
            }
        }
        return true;
    }

    // ---- second order ------------------------------------------------------------------------------

    /**
     * Hessian times {@code k} directions by forward-over-reverse, on a recording made in second-order mode.
     * {@code adj} is {@link #adjoint}{@code (t, output)}; {@code seed} as for {@link #tangents}. Returns
     * {@code out[i * k + d] = (H v_d)_i} for the inputs {@code i < n}.
     *
     * <p>The reverse sweep {@code adj[a_j] += p_j * adj[i]} is differentiated along the tangents:
     * {@code adjdot[a_j] += p_j * adjdot[i] + adj[i] * sum_l h_jl * xdot[a_l]}, where {@code h} is node
     * {@code i}'s local Hessian (its curvature record; zero when it has none).
     */
    public static double[] hessianTimes(Tape t, double[] adj, long output, int n, double[] seed, int k) {
        double[] out = new double[n * k];
        if (!Slot.isActive(output)) {
            return out;
        }
        int top = Slot.node(output);
        double[] xdot = tangentSweep(t, n, seed, k, top, 1);
        double[] adjdot = t.scratch(2, (top + 1) * k);
        Arrays.fill(adjdot, 0, (top + 1) * k, 0.0);
        final byte[] arity = t.arity;
        final int[] argNode = t.argNode;
        final double[] partial = t.partial;
        final int[] hNode = t.hNode;
        final double[] hValue = t.hValue;
        int p = argsBelow(t, top);
        int q = t.hCount;
        int hv = t.hValues;
        while (q > 0 && hNode[q - 1] > top) {
            q--;
            hv -= Tape.triangle(arity[hNode[q]]);
        }
        for (int i = top; i >= 0; i--) {
            int ar = arity[i];
            p -= ar;
            int h0 = -1;
            if (q > 0 && hNode[q - 1] == i) {
                q--;
                hv -= Tape.triangle(ar);
                h0 = hv;
            }
            if (ar == 0) {
                continue;
            }
            int o = i * k;
            double a = adj[i];
            boolean flows = !allZero(adjdot, o, k);
            boolean curved = h0 >= 0 && a != 0.0;
            if (!flows && !curved) {
                continue;
            }
            for (int jj = 0; jj < ar; jj++) {
                int s = argNode[p + jj] * k;
                if (flows) {
                    double w = partial[p + jj];
                    for (int d = 0; d < k; d++) {
                        adjdot[s + d] += w * adjdot[o + d];
                    }
                }
                if (curved) {
                    for (int ll = 0; ll < ar; ll++) {
                        double h = hValue[h0 + upper(jj, ll, ar)];
                        if (h != 0.0) {
                            double c = a * h;
                            int u = argNode[p + ll] * k;
                            for (int d = 0; d < k; d++) {
                                adjdot[s + d] += c * xdot[u + d];
                            }
                        }
                    }
                }
            }
        }
        System.arraycopy(adjdot, 0, out, 0, Math.min(n, top + 1) * k);
        return out;
    }

    /**
     * {@code H v} for one direction {@code v} (the Hessian-vector product) on a second-order recording: the tangent
     * sweep, then one reverse sweep that carries the first-order adjoints and their tangents together, instead of
     * {@link #adjoint} followed by {@link #hessianTimes}. A node's adjoint is complete when a reverse sweep reaches it,
     * so both can move on at once: one pass over the tape less, and the adjoints in a scratch array instead of a new
     * one per call. The first-order part is {@code Tape.sweep}'s, contribution to the node just below included
     * ({@code carry}), so the result is the same to the last bit.
     */
    public static double[] hvp(Tape t, long output, int n, double[] v) {
        double[] out = new double[n];
        if (Slot.isActive(output)) {
            int top = Slot.node(output);
            double[] adj = t.scratch(0, top + 1);
            Arrays.fill(adj, 0, top + 1, 0.0);
            adj[top] = 1.0;
            hvpSweep(t, top, n, v, adj, false, out);
        }
        return out;
    }

    /**
     * {@link #hvp} on a recording whose first-order adjoints {@code adj} ({@link #adjoint}) are known already (they do
     * not depend on {@code v}): the tangent sweep and the reverse sweep of the adjoints' tangents only, written into
     * {@code out} (length n). The same result to the last bit. {@code adj} is only read.
     */
    public static void hvp(Tape t, double[] adj, long output, int n, double[] v, double[] out) {
        if (Slot.isActive(output)) {
            hvpSweep(t, Slot.node(output), n, v, adj, true, out);
        } else {
            Arrays.fill(out, 0, n, 0.0);
        }
    }

    /**
     * The tangent sweep, then the reverse sweep of the adjoints' tangents; with the adjoints themselves in the same
     * pass unless {@code adjointsKnown} (then {@code adj} is final and only read, else seeded and completed here).
     */
    private static void hvpSweep(Tape t, int top, int n, double[] v, double[] adj, boolean adjointsKnown,
                                 double[] out) {
        double[] xdot = tangentSweep(t, n, v, 1, top, 1);
        double[] adjdot = t.scratch(2, top + 1);
        Arrays.fill(adjdot, 0, top + 1, 0.0);
        final byte[] arity = t.arity;
        final int[] argNode = t.argNode;
        final double[] partial = t.partial;
        final int[] hNode = t.hNode;
        final double[] hValue = t.hValue;
        int p = argsBelow(t, top);
        int q = t.hCount;
        int hv = t.hValues;
        while (q > 0 && hNode[q - 1] > top) {
            q--;
            hv -= Tape.triangle(arity[hNode[q]]);
        }
        double carry = 0.0;
        for (int i = top; i >= 0; i--) {
            int ar = arity[i];
            p -= ar;
            int h0 = -1;
            if (q > 0 && hNode[q - 1] == i) {
                q--;
                hv -= Tape.triangle(ar);
                h0 = hv;
            }
            double a;
            if (adjointsKnown) {
                a = adj[i];
                if (ar == 0) {
                    continue;
                }
            } else {
                a = adj[i] + carry;
                adj[i] = a;
                carry = 0.0;
                if (ar == 0) {
                    continue;
                }
                if (a != 0.0) { // first order, as Tape.sweep
                    int below = i - 1;
                    for (int j = p; j < p + ar; j++) {
                        double c = partial[j] * a;
                        if (argNode[j] == below) {
                            carry += c;
                        } else {
                            adj[argNode[j]] += c;
                        }
                    }
                }
            }
            double ad = adjdot[i]; // its tangent: as hessianTimes, one direction
            boolean curved = h0 >= 0 && a != 0.0;
            if (ad == 0.0 && !curved) {
                continue;
            }
            if (ar == 1 && curved) { // the most common curved nodes written out: the same operations, in order
                int s0 = argNode[p];
                if (ad != 0.0) {
                    adjdot[s0] += partial[p] * ad;
                }
                double h = hValue[h0];
                if (h != 0.0) {
                    adjdot[s0] += a * h * xdot[s0];
                }
                continue;
            }
            if (ar == 2 && curved) {
                int s0 = argNode[p], s1 = argNode[p + 1];
                double h00 = hValue[h0], h01 = hValue[h0 + 1], h11 = hValue[h0 + 2];
                if (ad != 0.0) {
                    adjdot[s0] += partial[p] * ad;
                }
                if (h00 != 0.0) {
                    adjdot[s0] += a * h00 * xdot[s0];
                }
                if (h01 != 0.0) {
                    adjdot[s0] += a * h01 * xdot[s1];
                }
                if (ad != 0.0) {
                    adjdot[s1] += partial[p + 1] * ad;
                }
                if (h01 != 0.0) {
                    adjdot[s1] += a * h01 * xdot[s0];
                }
                if (h11 != 0.0) {
                    adjdot[s1] += a * h11 * xdot[s1];
                }
                continue;
            }
            for (int jj = 0; jj < ar; jj++) {
                int s = argNode[p + jj];
                if (ad != 0.0) {
                    adjdot[s] += partial[p + jj] * ad;
                }
                if (curved) {
                    for (int ll = 0; ll < ar; ll++) {
                        double h = hValue[h0 + upper(jj, ll, ar)];
                        if (h != 0.0) {
                            adjdot[s] += a * h * xdot[argNode[p + ll]];
                        }
                    }
                }
            }
        }
        int m = Math.min(n, top + 1);
        System.arraycopy(adjdot, 0, out, 0, m);
        Arrays.fill(out, m, n, 0.0); // inputs above the output: no derivative
    }

    /** Index of entry (r, c) of a symmetric {@code ar x ar} matrix stored as its upper triangle row by row. */
    static int upper(int r, int c, int ar) {
        if (r > c) {
            int x = r;
            r = c;
            c = x;
        }
        return r * ar - r * (r - 1) / 2 + (c - r);
    }
}
