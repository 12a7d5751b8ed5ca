package io.adjoint.agent.twin.targets;

/**
 * Target: basic blocks of double arithmetic for preaccumulation across statements. Each method's comment says
 * what the generated code must look like (TwinGeneratorTest checks it); it-tests' BasicBlocksTest checks the
 * derivatives of the same shapes.
 */
public class Blocks {
    /** One node per iteration with three leaves (f, x[i], x[i+1]): two array reads, one generated method. */
    public static double rosenbrock(double[] x) {
        double f = 0;
        for (int i = 0; i + 1 < x.length; i += 2) {
            double t1 = x[i + 1] - x[i] * x[i];
            double t2 = 1 - x[i];
            f += 100 * t1 * t1 + t2 * t2;
        }
        return f;
    }

    /** The same sum in two statements of one block: s += a; s += b; is one accumulation, so one run. */
    public static double rosenbrockTwoStatements(double[] x) {
        double f = 0;
        for (int i = 0; i + 1 < x.length; i += 2) {
            double t1 = x[i + 1] - x[i] * x[i];
            f += 100 * t1 * t1;
            double t2 = 1 - x[i];
            f -= -(t2 * t2);
        }
        return f;
    }

    /** Three statements, one of them s = s + ... written out. */
    public static double threeStatements(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
            s = s + x[i] * x[i];
            s -= 3 * x[i];
        }
        return s;
    }

    /** Two sums in one loop: the first a run at the tape's cursor, the second a run on the side tape. */
    public static double twoSums(double[] x) {
        double s = 0, q = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
            q += x[i] * x[i];
        }
        return s * q;
    }

    /** Five: one at the tape's cursor and three on side tapes is the most, so none runs. */
    public static double fiveSums(double[] x) {
        double s = 0, q = 0, c = 0, d = 0, e = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
            q += x[i] * x[i];
            c += x[i] * x[i] * x[i];
            d += 2 * x[i];
            e += 3 * x[i];
        }
        return s * q + c * d * e;
    }

    /** Three: all run, two on side tapes. */
    public static double threeSums(double[] x) {
        double s = 0, q = 0, c = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
            q += x[i] * x[i];
            c += x[i] * x[i] * x[i];
        }
        return s * q + c;
    }

    /** The sum after the first statement scaled by the second: its partial is not 1, no accumulation. */
    public static double scaledBetween(double[] x) {
        double s = 1;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
            s = s * 0.5 + x[i];
        }
        return s;
    }

    /** The sum after the first statement copied: not folded, the second statement alone accumulates. */
    public static double readBetween(double[] x) {
        double s = 0;
        double t = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
            t = s;
            s += x[i] * x[i];
        }
        return s + t;
    }

    /** t is also read after the loop: it must stay a node of its own. */
    public static double readAfterTheBlock(double[] x) {
        double t = 0;
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            t = x[i] * x[i] + 1;
            s += t * 2;
        }
        return s + t;
    }

    /** A store into an array between two reads of x[0]: two reads, not one. */
    public static double storeBetweenReads(double[] x) {
        double a = x[0] * x[1];
        x[0] = a;
        double b = x[0] * 3;
        return a + b;
    }

    /** A call between two reads of x[0] (it may store into x): two reads. */
    public static double callBetweenReads(double[] x) {
        double a = x[0] * x[1];
        touch(x);
        double b = x[0] * 3;
        return a + b;
    }

    /** A loop reading and writing x: both sites get a shadow cache. */
    public static void touchAll(double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * 2;
        }
    }

    /** synchronized: never inlined (twin/Inlining), so a call stays between the two reads. */
    static synchronized void touch(double[] x) {
        x[0] = x[0] + 1;
    }

    // ---- loop-carried sums (Preaccumulation's accumulators, Tape.endAccumulate) -----------------------------

    /** s += w[i] * x[i]: s is the accumulator (partial 1), the generated method takes its owned node. */
    public static double dot(double[] w, double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += w[i] * x[i];
        }
        return s;
    }

    /** s += x[i]: a single operation, generated only because it extends a sum. */
    public static double plainSum(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
        }
        return s;
    }

    /** s - term: an accumulation too. */
    public static double subtracted(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s = s - x[i] * x[i];
        }
        return s;
    }

    /** term + s: an accumulation too. */
    public static double onTheRight(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s = x[i] * x[i] + s;
        }
        return s;
    }

    /** s is also read in the term: its partial is 1 + x[i], not an accumulation. */
    public static double readInTheTerm(double[] x) {
        double s = 1;
        for (int i = 0; i < x.length; i++) {
            s = s + s * x[i];
        }
        return s;
    }

    /** term - s: partial -1, not an accumulation. */
    public static double subtractedFrom(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s = x[i] * x[i] - s;
        }
        return s;
    }

    /** A copy of s taken inside the loop: that read gives s's node up (owned = -1 after it). */
    public static double copiedMidLoop(double[] x) {
        double s = 0;
        double t = 0;
        for (int i = 0; i < x.length; i++) {
            double prev = s;
            s += x[i] * x[i];
            t += prev * x[i];
        }
        return s + t;
    }

    /** An accumulation outside any loop: no run (nothing to gain). */
    public static double sumOutsideALoop(double[] x) {
        double s = x[0];
        s += x[1] * x[2];
        return s;
    }

    /** A call in the loop (touch is never inlined) may record: no run. */
    public static double sumWithACall(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
            touch(x);
        }
        return s;
    }

    /** Field reads (linked by FieldShadows) and javac's null checks in the loop never record: a run. */
    public static double sumOfFields(Fields[] objects, double[] w) {
        double s = 0;
        for (int i = 0; i < objects.length; i++) {
            s += w[i] * java.util.Objects.requireNonNull(objects[i]).value;
        }
        return s;
    }

    /** 65 calls after the loop, each a place where the run would have to end (AccumulationRuns.MAX_ENDS): no run. */
    public static double sumThenManyCalls(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
        }
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        touch(x); touch(x); touch(x); touch(x); touch(x);
        return s;
    }

    /** tanh is one of the block's functions: the sum of tanh terms is a block, and its loop a run. */
    public static double tanhSum(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += 2 * Math.tanh(x[i]);
        }
        return s;
    }

    /** y[i] += A[i][k] x[k] (A flat): each element summed in a local of the twin, a run per row (ElementAccumulators). */
    public static double elementSums(double[] a, double[] x, double[] y) {
        int n = y.length;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < x.length; k++) {
                y[i] += a[i * x.length + k] * x[k];
            }
        }
        return y[0];
    }

    /** A null check in the loop (Objects.requireNonNull(Object), what javac emits for one): still a run. */
    public static double elementSumWithANullCheck(double[] x, double[] w, double[] y) {
        for (int k = 0; k < x.length; k++) {
            java.util.Objects.requireNonNull(w);
            y[0] += w[k] * x[k];
        }
        return y[0];
    }

    /** A matrix product: b's row changes every step (compared with the summed row in each): a run. */
    public static void elementSumMatMul(double[][] a, double[][] b, double[][] c) {
        for (int i = 0; i < c.length; i++) {
            for (int j = 0; j < c[i].length; j++) {
                for (int k = 0; k < b.length; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
    }

    /** A matrix product on flat arrays: the summed element's index is i * n + j, computed: a run. */
    public static void elementSumFlatMatMul(double[] a, double[] b, double[] c, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    c[i * n + j] += a[i * n + k] * b[k * n + j];
                }
            }
        }
    }

    /** The same element through a constant index, the long form: also a run. */
    public static double elementSumLongForm(double[] x, double[] y) {
        for (int k = 0; k < x.length; k++) {
            y[0] = y[0] + Math.sin(x[k]);
        }
        return y[0];
    }

    /** A call in the loop (it could read the element): the site keeps its code, no run. */
    public static double elementSumWithACall(double[] x, double[] y) {
        for (int k = 0; k < x.length; k++) {
            touch(x);
            y[0] += x[k];
        }
        return y[0];
    }

    /** Another element of the same array read in the loop: no run. */
    public static double elementSumReadBack(double[] x, double[] y) {
        for (int k = 0; k < x.length; k++) {
            y[0] += x[k];
            y[1] = y[0] * 2;
        }
        return y[1];
    }

    /** The index changes in the loop: a different element each time, no run. */
    public static double elementSumMovingIndex(double[] x, double[] y) {
        for (int k = 0; k < x.length; k++) {
            y[k % y.length] += x[k];
        }
        return y[0];
    }

    /** Rows of a double[][] read in the loop (compared with y once per loop entry) and a difference: runs. */
    public static double elementSumOverRows(double[][] a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            for (int k = 0; k < x.length; k++) {
                y[i] += a[i][k] * x[k];
            }
            for (int k = 0; k < x.length; k++) {
                y[i] -= x[k];
            }
        }
        return y[0];
    }
}
