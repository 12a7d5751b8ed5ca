package io.adjoint.it;

import java.util.Arrays;

/** Ordinary Java programs, with the control flow and data structures real code has, to be differentiated. */
final class Programs {
    private Programs() {
    }

    // ---- recursion -----------------------------------------------------------------------------------

    /** x^n by plain recursion. */
    static double power(double x, int n) {
        if (n == 0) {
            return 1;
        }
        return x * power(x, n - 1);
    }

    /** x^n by recursive squaring (n >= 0). */
    static double powerBySquaring(double x, int n) {
        if (n == 0) {
            return 1.0;
        }
        double half = powerBySquaring(x, n / 2);
        return n % 2 == 0 ? half * half : half * half * x;
    }

    /** sum_{j=0..n} x^j / j! in Horner form, recursively: 1 + x/k (1 + x/(k+1) (...)). */
    static double expSeries(double x, int k, int n) {
        if (k > n) {
            return 1.0;
        }
        return 1.0 + x / k * expSeries(x, k + 1, n);
    }

    // ---- iteration with a data-dependent exit ----------------------------------------------------------

    /** The real root y of y^3 + y = x, by Newton's method, stopping when the step is negligible. */
    static double solveCubic(double x) {
        double y = x / 2;
        for (int k = 0; k < 100; k++) {
            double f = y * y * y + y - x;
            double step = f / (3 * y * y + 1);
            y -= step;
            if (Math.abs(step) <= 1e-15 * (1 + Math.abs(y))) {
                return y;
            }
        }
        throw new IllegalStateException("Newton did not converge for x = " + x);
    }

    /** The same with a while loop and a residual test. */
    static double solveCubicWhile(double x) {
        double y = 0;
        int iterations = 0;
        while (Math.abs(y * y * y + y - x) > 1e-14 * (1 + Math.abs(x)) && iterations++ < 100) {
            y = y - (y * y * y + y - x) / (3 * y * y + 1);
        }
        return y;
    }

    // ---- loops, switch, early returns ------------------------------------------------------------------

    /** Nested loops with break, continue and a labelled break. */
    static double loops(double[] x) {
        double sum = 0;
        outer:
        for (int i = 0; i < x.length; i++) {
            if (i % 3 == 2) {
                continue;                  // skips x[2], x[5], ...
            }
            int j = 0;
            do {
                sum += x[i] * x[j];
                if (j == 4) {
                    continue outer;
                }
                j++;
            } while (j <= i);
            if (i == 7) {
                break;
            }
        }
        int k = x.length;
        while (--k >= 0) {
            sum -= 0.5 * x[k];
        }
        return sum;
    }

    /** A switch on an int made from an active value (tableswitch), a sparse switch and a string switch. */
    static double switches(double[] x) {
        double r;
        switch ((int) Math.floor(x[0])) {
            case 0:
                r = x[1] * x[1];
                break;
            case 1:
                r = Math.sin(x[1]);
                break;
            case 2:
            case 3:
                r = x[0] * x[1];
                break;
            default:
                r = -x[1];
        }
        int code = (int) x[2];
        double s = switch (code) {
            case -1000 -> 2 * x[1];
            case 7 -> x[1] / x[0];
            case 1_000_000 -> 0;
            default -> {
                double t = x[0] + x[1];
                yield t * t;
            }
        };
        String mode = x[3] > 0 ? "exp" : "log";
        switch (mode) {
            case "exp":
                return r + s + Math.exp(x[3]);
            case "log":
                return r + s + Math.log(-x[3]);
            default:
                throw new AssertionError(mode);
        }
    }

    /** Early returns from several depths of a piecewise function. */
    static double piecewise(double x) {
        if (x < -1) {
            return -x * x;
        }
        if (x <= 0) {
            for (int i = 0; i < 3; i++) {
                if (i == 1) {
                    return x * x * x + x;
                }
            }
        }
        if (x == 0.5) {
            return 42 * x;
        }
        if (x >= 2) {
            return Math.sqrt(x);
        }
        if (x != 1) {
            return x / (1 + x);
        }
        return 7;
    }

    // ---- conversions -------------------------------------------------------------------------------

    private static final double[] TABLE = {1.5, -2.0, 3.25, 0.5, 4.0};

    /** (int) x as an index and (long) x as a passive integer part: both carry no derivative. */
    static double conversions(double[] x) {
        int index = (int) x[0];                    // passive
        long whole = (long) x[1];                  // passive
        double fraction = x[1] - whole;            // derivative 1 with respect to x[1]
        long scaled = Math.round(x[2] * 1000);     // passive
        int n = (int) (x[1] * 3);
        double mixed = index + whole * 0.25 + scaled / 1000.0 + n;
        return TABLE[index] * x[2] + fraction * fraction + mixed * x[2];
    }

    // ---- arrays --------------------------------------------------------------------------------------

    /** A double[] made and written inside the function, then copied, sorted and read back. */
    static double arrays(double[] x) {
        double[] squares = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            squares[i] = x[i] * x[i];
        }
        double[] copy = squares.clone();
        double[] longer = Arrays.copyOf(copy, x.length + 2);
        longer[x.length] = x[0];
        longer[x.length + 1] = 3.0;
        double[] shifted = new double[longer.length];
        System.arraycopy(longer, 0, shifted, 1, longer.length - 1);
        double total = 0;
        for (double v : shifted) {
            total += v;
        }
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        double[] filled = new double[3];
        Arrays.fill(filled, x[1]);
        return total + sorted[0] * sorted[sorted.length - 1] + filled[0] * filled[2];
    }

    /** x^T H x with the Hilbert matrix H, built as a double[][] inside, and via an active outer product. */
    static double quadraticForm(double[] x) {
        int n = x.length;
        double[][] h = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                h[i][j] = 1.0 / (i + j + 1);
            }
        }
        double[][] outer = new double[n][];
        for (int i = 0; i < n; i++) {
            outer[i] = new double[n];
            for (int j = 0; j < n; j++) {
                outer[i][j] = x[i] * x[j];
            }
        }
        double viaVector = 0, viaOuter = 0;
        double[] hx = multiply(h, x);
        for (int i = 0; i < n; i++) {
            viaVector += x[i] * hx[i];
            for (int j = 0; j < n; j++) {
                viaOuter += outer[i][j] * h[i][j];
            }
        }
        return 0.5 * viaVector + 0.5 * viaOuter;
    }

    private static double[] multiply(double[][] a, double[] v) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < v.length; j++) {
                s += a[i][j] * v[j];
            }
            r[i] = s;
        }
        return r;
    }

    // ---- try/catch inside the function ------------------------------------------------------------

    /** An exception thrown and caught inside the differentiated code, with active values on both paths. */
    static double tryCatch(double[] x) {
        double r = x[0];
        try {
            r *= element(x, (int) x[1]);
        } catch (ArrayIndexOutOfBoundsException e) {
            r = r * r;
        } finally {
            r += x[0];
        }
        return r;
    }

    private static double element(double[] a, int i) {
        return a[i];
    }

    // ---- long and double locals mixed, many parameters ---------------------------------------------------

    static double manyLocals(double a, long b, double c, int d, double e, Object o, double f) {
        long l = b * 3 + d;
        double x = a * c;
        float passiveFloat = 2.5f;
        double y = x + l + passiveFloat;
        long m = l - (long) c;
        double z = (y * e - f) / (m + 0.5);
        char ch = o.toString().charAt(0);
        return z + ch * a;
    }
}
