package io.adjoint.it.validation;

/**
 * Target: loop-carried sums whose node stays open in the twin's locals (agent twin/AccumulationRuns), in the shapes
 * where a run must end, be abandoned or never start. AccumulationRunsTest checks each against hand-derived gradients.
 */
public final class RunsTarget {
    private RunsTarget() {
    }

    /** A run over the whole loop: sum of x[i]^2 (hundreds of thousands of elements grow the tape mid-run). */
    public static double squares(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
        }
        return s;
    }

    /** Rosenbrock with its sum in two statements of one block (s += a; s -= b;): one accumulation, one run. */
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

    /** Three statements of one sum, one written s = s + ...: x^2 - 2x per element. */
    public static double threeStatements(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
            s = s + x[i] * x[i];
            s -= 3 * x[i];
        }
        return s;
    }

    /** The second statement reads the sum twice: s = (s + x)(1 + x), partial 1 + x, not an accumulation. */
    public static double readTwiceInTheBlock(double[] x) {
        double s = 1;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
            s += s * x[i];
        }
        return s;
    }

    /** The sum scaled between two statements: s = (s + x) / 2 + x, partial 1/2. */
    public static double scaledBetween(double[] x) {
        double s = 1;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
            s = s * 0.5 + x[i];
        }
        return s;
    }

    /** The sum copied between two statements (the copy from the last iteration returned too). */
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

    // ---- two sums in one loop: the first runs at the tape's cursor, the second on the side tape (Tape.sideOpen)

    /** Rosenbrock with its two terms summed apart: f + g. */
    public static double rosenbrockTwoSums(double[] x) {
        double f = 0, g = 0;
        for (int i = 0; i + 1 < x.length; i += 2) {
            double t1 = x[i + 1] - x[i] * x[i];
            f += 100 * t1 * t1;
            double t2 = 1 - x[i];
            g += t2 * t2;
        }
        return f + g;
    }

    /** f = sum x^2, g = sum 3x over the first m elements (the loop left by break at m = 37): f g. */
    public static double twoSumsLeftByBreak(double[] x) {
        double f = 0, g = 0;
        for (int i = 0; i < x.length; i++) {
            if (i == 37) {
                break;
            }
            f += x[i] * x[i];
            g += 3 * x[i];
        }
        return f * g;
    }

    /** The second sum read in the loop once (both runs end there and start again): f g + c, c = g after i = 5. */
    public static double twoSumsOneReadInTheLoop(double[] x) {
        double f = 0, g = 0, c = 0;
        for (int i = 0; i < x.length; i++) {
            f += x[i] * x[i];
            g += 3 * x[i];
            if (i == 5) {
                c = g;
            }
        }
        return f * g + c;
    }

    /** The second sum overwritten in the loop (its run abandoned, started again): g = 1 + sum_{i > 7} 3x: f g. */
    public static double twoSumsOneOverwritten(double[] x) {
        double f = 0, g = 0;
        for (int i = 0; i < x.length; i++) {
            f += x[i] * x[i];
            g += 3 * x[i];
            if (i == 7) {
                g = 1;
            }
        }
        return f * g;
    }

    /** Left by an exception after f's term and before g's (x[i + 1] past the end): f g in the handler. */
    public static double twoSumsLeftByAnException(double[] x) {
        double f = 0, g = 0;
        try {
            for (int i = 0; i < x.length; i++) {
                f += x[i] * x[i];
                g += 3 * x[i + 1];
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return f * g;
        }
        return 0;
    }

    /** Three sums in one loop: all run, two on side tapes. f g + h, h = sum x^3. */
    public static double threeSums(double[] x) {
        double f = 0, g = 0, h = 0;
        for (int i = 0; i < x.length; i++) {
            f += x[i] * x[i];
            g += 3 * x[i];
            h += x[i] * x[i] * x[i];
        }
        return f * g + h;
    }

    /** The four sums of a linear regression over pairs (u, v) = (x[2i], x[2i+1]): Sxy Sxx - Sx Sy. */
    public static double regressionSums(double[] x) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i + 1 < x.length; i += 2) {
            sx += x[i];
            sy += x[i + 1];
            sxx += x[i] * x[i];
            sxy += x[i] * x[i + 1];
        }
        return sxy * sxx - sx * sy;
    }

    /** Five sums in one loop: more than one run and three side runs, so none runs. s q + c d e. */
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

    /**
     * The second sum's term reads the first sum's value of the outer loop's last round (t = s ends the first run: a
     * node recorded while the second, never ended, stays open): q = sum over rounds of t x, t = 1, S, 2S.
     */
    public static double sideRunReadsANewerNode(double[] x) {
        double s = 0, q = 0, t = 1;
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < x.length; i++) {
                s += x[i];
                q += t * x[i];
            }
            t = s;
        }
        return q + s;
    }

    /** Two loops of two sums each (the side tape used by both, one after the other): f g + p q. */
    public static double twoPairsOfSums(double[] x) {
        double f = 0, g = 0;
        for (int i = 0; i < x.length / 2; i++) {
            f += x[i] * x[i];
            g += 3 * x[i];
        }
        double p = 0, q = 0;
        for (int i = 0; i < x.length; i++) {
            p += x[i];
            q += x[i] * x[i];
        }
        return f * g + p * q;
    }

    /** Row by row of an n x n matrix (n = 17): s = sum of the row, q = sum of its squares; total = sum s q. */
    public static double pairsRestartedPerRow(double[] x) {
        int n = 17;
        double total = 0;
        for (int r = 0; r < n; r++) {
            double s = 0, q = 0;
            for (int c = 0; c < n; c++) {
                s += x[r * n + c];
                q += x[r * n + c] * x[r * n + c];
            }
            total += s * q;
        }
        return total;
    }

    /** y = A x row by row, then sum of y_i^2: the inner sum restarts from 0 in each outer iteration (abandoned run). */
    public static double rowsSquared(double[] x) {
        int n = (int) Math.round(Math.sqrt(x.length));
        double total = 0;
        for (int r = 0; r < n; r++) {
            double s = 0;
            for (int c = 0; c < n; c++) {
                s += (r + 2 * c + 1) * x[r * n + c];
            }
            total += s * s;
        }
        return total;
    }

    /** The inner sum read only in the last outer iteration: the reset s = 0 must abandon the unread run. */
    public static double lastRowOnly(double[] x) {
        int n = (int) Math.round(Math.sqrt(x.length));
        double result = 0;
        for (int r = 0; r < n; r++) {
            double s = 0;
            for (int c = 0; c < n; c++) {
                s += (c + 1) * x[r * n + c];
            }
            if (r == n - 1) {
                result = s;
            }
        }
        return result;
    }

    /** A loop left early (break on the value) and iterations skipped (continue): the run ends at the exit. */
    public static double earlyExit(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] < 0) {
                continue;
            }
            if (x[i] > 10) {
                break;
            }
            s += x[i] * x[i] * x[i];
        }
        return s * 2;
    }

    /** An exception thrown inside the loop and caught inside it: the handler ends the run, then the sum goes on. */
    public static double caughtInTheLoop(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            try {
                s += x[i] * x[(i * 7) % (x.length + 1)];
            } catch (ArrayIndexOutOfBoundsException e) {
                s = s * 3;
            }
        }
        return s;
    }

    /** The same loop inside a try: the exception leaves the loop; the handler reads the sum. */
    public static double caughtAfterTheLoop(double[] x) {
        double s = 0;
        try {
            for (int i = 0; ; i++) {
                s += x[i] * x[i];
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return s * s;
        }
    }

    /** A sum abandoned by an exception that leaves the method, caught by the caller, which records more. */
    public static double abandonedByTheCallee(double[] x) {
        double kept = 0;
        try {
            kept = throwsMidway(x);
        } catch (ArrayIndexOutOfBoundsException e) {
            kept = x[0] * 5;
        }
        double t = 0;
        for (int i = 0; i < x.length; i++) {
            t += x[i] * (i + 1);
        }
        return kept + t;
    }

    /** Reads x[n] in its last iteration: the exception comes from an element read, with the run still open. */
    private static double throwsMidway(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i + 1] * 100;
        }
        return s;
    }

    /** Two sums in sequence sharing one local slot (javac reuses it), then an int in the same slot. */
    public static double slotsReused(double[] x) {
        double a;
        {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                s += x[i] * x[i];
            }
            a = s;
        }
        double b;
        {
            double u = 1;
            for (int i = 0; i < x.length; i++) {
                u += x[i] * 3;
            }
            b = u;
        }
        int k = 0;
        for (int j = 0; j < x.length; j++) {
            k += j;
        }
        return a * b + k;
    }

    /** The run's sum passed to a call after the loop, and a recursive call of the method itself. */
    public static double recursive(double[] x) {
        return halves(x, 0, x.length);
    }

    private static double halves(double[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * x[i];
        }
        if (to - from > 3) {
            int mid = (from + to) / 2;
            return Math.sin(s) + halves(x, from, mid) * halves(x, mid, to);
        }
        return Math.sin(s);
    }

    /** A term that is passive in some iterations (a constant) and active in others. */
    public static double partlyPassive(double[] x) {
        double s = 0;
        for (int i = 0; i < 2 * x.length; i++) {
            double v = i < x.length ? x[i] : i;
            s += v * v;
        }
        return s;
    }

    /** A sum of constants only, inside a recorded function: passive, then multiplied by an active value. */
    public static double constantSum(double[] x) {
        double s = 0;
        for (int i = 0; i < 50; i++) {
            s += i * 0.5;
        }
        return s * x[0];
    }

    /** s -= term over more than one node's arguments, starting from an active value. */
    public static double fromAnActiveStart(double[] x) {
        double s = x[0] * x[1];
        for (int i = 0; i < x.length; i++) {
            s -= x[i] * x[i] * 0.25;
        }
        return s;
    }

    /** A sum whose loop also writes array elements and a static field (operations that never record): one run. */
    public static double withStores(double[] x) {
        double[] copy = new double[x.length];
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            copy[i] = x[i];
            lastSeen = x[i];
            s += x[i] * x[i];
        }
        return s + copy[x.length - 1] * lastSeen;
    }

    private static double lastSeen;

    /** Objects' double fields read in the loop (in-object shadows), with javac's null check: one run. */
    public static double fieldsOfPoints(double[] x) {
        Point[] points = new Point[x.length / 2];
        for (int i = 0; i < points.length; i++) {
            points[i] = new Point(x[2 * i], x[2 * i + 1]);
        }
        double s = 0;
        for (int i = 0; i < points.length; i++) {
            s += java.util.Objects.requireNonNull(points[i]).a * points[i].b;
        }
        return s;
    }

    static final class Point {
        final double a;
        final double b;

        Point(double a, double b) {
            this.a = a;
            this.b = b;
        }
    }
}
