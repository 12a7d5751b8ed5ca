package io.adjoint.it.validation;

import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Array elements summed in loops (agent twin/ElementAccumulators: {@code y[i] += term} summed in a local of the twin,
 * the element stored on every way out of the loop). Each target of ElementSumsTarget against its hand-derived gradient
 * in reverse and forward mode (V.gradient), and its value against the application's own method, bit for bit. The
 * generated code's shape: agent TwinGeneratorTest.
 */
class ElementSumsTest {
    private static double[] values(int n, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.sin(0.37 * i + 0.2) * scale;
        }
        return x;
    }

    /** Reverse and forward gradient against {@code expected}; values bit for bit the plain method's (V.gradient). */
    private static void check(String what, ScalarFunction f, double[] x, double[] expected) {
        V.gradient(what, f, x, expected, ANALYTIC);
    }

    /** The hand-derived gradient of sum_i y_i^2, y_i = y0_i + sum_k A_ik x_k (A flat n x n, then x). */
    private static double[] matVecGradient(double[] p, int n, boolean longForm) {
        double[] g = new double[p.length];
        for (int i = 0; i < n; i++) {
            double y = longForm ? i : 0;
            for (int k = 0; k < n; k++) {
                y += p[i * n + k] * p[n * n + k];
            }
            for (int k = 0; k < n; k++) {
                g[i * n + k] += 2 * y * p[n * n + k];
                g[n * n + k] += 2 * y * p[i * n + k];
            }
        }
        return g;
    }

    @Test
    void matrixVectorProducts() {
        for (int n : new int[] {1, 3, 12}) {
            double[] p = values(n * n + n, 1.3);
            check("y[i] += ..., n = " + n, ElementSumsTarget::matVec, p, matVecGradient(p, n, false));
            check("y[i] = y[i] + ..., n = " + n, ElementSumsTarget::matVecLongForm, p, matVecGradient(p, n, true));
        }
        // rows past a node's 127 arguments (reverse mode only: forward mode takes a pass per input)
        int n = 90;
        double[] p = values(n * n + n, 0.2);
        V.compare("n = 90", matVecGradient(p, n, false), Gradients.of(ElementSumsTarget::matVec).at(p), ANALYTIC);
        // second order: no run starts, the sum in the local is recorded as usual
        V.hessianAgainstFd("matVec", ElementSumsTarget::matVec, values(3 * 3 + 3, 1.1));
    }

    @Test
    void rowsOfADoubleMatrixAndDifferences() {
        int n = 4;
        double[] p = values(n * n + n, 0.9);
        p[0] = -0.7; // y is an array of its own
        double[] g = new double[p.length];
        double s = 0;
        for (int k = 0; k < n; k++) {
            s += p[n * n + k];
        }
        for (int i = 0; i < n; i++) {
            double u = 0, c = 1 + 0.1 * p[i * n + i];
            for (int k = 0; k < n; k++) {
                u += p[i * n + k] * p[n * n + k];
            }
            double y = c * u - 0.5 * p[n * n + i] * s;
            // y_i = c_i u_i - x_i s / 2: dy_i/dA_ik = c_i x_k (+ 0.1 u_i for k = i); dy_i/dx_k = c_i A_ik - x_i / 2
            // (- s / 2 for k = i)
            for (int k = 0; k < n; k++) {
                g[i * n + k] += 2 * y * c * p[n * n + k];
                g[n * n + k] += 2 * y * (c * p[i * n + k] - 0.5 * p[n * n + i]);
            }
            g[i * n + i] += 2 * y * 0.1 * u;
            g[n * n + i] += 2 * y * (-0.5 * s);
        }
        check("y[i] += A[i][k] x[k]", ElementSumsTarget::matrixRows, p, g);
        p[0] = 0.7; // y is row 0 of A: y_0 changes A_00.. while the first row is summed; against finite differences
        V.gradientFd("y is row 0 of A", ElementSumsTarget::matrixRows, p);
    }

    @Test
    void matrixProducts() {
        for (int n : new int[] {1, 2, 6}) {
            double[] p = values(2 * n * n, 0.9);
            double[] g = new double[p.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double c = 0;
                    for (int k = 0; k < n; k++) {
                        c += p[i * n + k] * p[n * n + k * n + j];
                    }
                    for (int k = 0; k < n; k++) { // dC_ij/dA_ik = B_kj, dC_ij/dB_kj = A_ik
                        g[i * n + k] += 2 * c * p[n * n + k * n + j];
                        g[n * n + k * n + j] += 2 * c * p[i * n + k];
                    }
                }
            }
            check("c[i][j] += a[i][k] b[k][j], n = " + n, ElementSumsTarget::matMul, p, g);
            check("c[i n + j] += a[i n + k] b[k n + j], n = " + n, ElementSumsTarget::flatMatMul, p, g);
            V.gradientFd("C += A C in place, n = " + n, ElementSumsTarget::matMulInPlace, p);
        }
        V.gradientFd("an index that changes in the loop", ElementSumsTarget::movingIndex, values(6, 1.2));
    }

    @Test
    void arraysInFieldsAndStaticFields() {
        for (int n : new int[] {1, 5}) {
            double[] p = values(n * n + n, 0.8);
            check("out[i] += w[i n + k] x[k], fields, n = " + n, ElementSumsTarget::fieldArrays, p,
                    matVecGradient(p, n, false));
            V.gradientFd("out is w, n = " + n, ElementSumsTarget::fieldArraysAliased, p);
        }
        double[] p = values(7, 1.4);
        double[] g = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            g[k] = p[k]; // 2 * 0.5 * p[k]
        }
        check("a static array summed, a static scale", ElementSumsTarget::staticArray, p, g);
        double[] replaced = new double[p.length];
        for (int k = 2; k < p.length; k++) {
            replaced[k] = 1;
        }
        check("the field replaced through a subclass", ElementSumsTarget::fieldReplacedThroughSubclass, p, replaced);
    }

    @Test
    void anAliasOfTheArrayReadOrWrittenInTheLoop() {
        double[] p = values(7, 0.8); // p[0] > 0: src is y, the site keeps its code
        p[0] = 0.6;
        double f = p[0] * (1 + p[0]);
        for (int k = 1; k < p.length; k++) {
            f *= 1 + p[k];
        }
        double[] g = new double[p.length];
        g[0] = f / p[0] + f / (1 + p[0]);
        for (int k = 1; k < p.length; k++) {
            g[k] = f / (1 + p[k]);
        }
        check("src is y", ElementSumsTarget::aliased, p, g);
        p[0] = -0.6; // a copy: the sum in a local
        double rest = 0;
        for (int k = 1; k < p.length; k++) {
            rest += p[k];
        }
        g[0] = 1 + 2 * p[0] + rest;
        for (int k = 1; k < p.length; k++) {
            g[k] = p[0];
        }
        check("src is a copy", ElementSumsTarget::aliased, p, g);

        p[0] = 0.6; // w is y: w[0] = p[k] overwrites the sum each time
        for (int k = 0; k < p.length; k++) {
            g[k] = 3 + (k == p.length - 1 ? 1 : 0);
        }
        check("w is y", ElementSumsTarget::aliasWritten, p, g);
        p[0] = -0.6;
        for (int k = 0; k < p.length; k++) {
            g[k] = 2 * p[k] + 3;
        }
        check("w is another array", ElementSumsTarget::aliasWritten, p, g);
    }

    @Test
    void aLoopThatDoesNotRunNeverTouchesItsElement() {
        check("zero iterations around y[5]", ElementSumsTarget::zeroIterations, new double[] {1.5, 0},
                new double[] {3, 0});
        assertThrows(ArrayIndexOutOfBoundsException.class,
                () -> Gradients.of(ElementSumsTarget::zeroIterations).at(new double[] {1.5, 1}));
    }

    @Test
    void everyWayOutOfTheLoopStoresTheElement() {
        double[] p = values(6, 2);
        double[] g = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            g[k] = 4 * p[k];
        }
        check("to the end", ElementSumsTarget::waysOut, p, g);
        for (int k = 0; k < p.length; k++) {
            g[k] = 2 * p[k];
        }
        check("do-while", ElementSumsTarget::doWhile, p, g);
        check("no return inside", ElementSumsTarget::returnInsideCaller, p, g);
        check("return inside", ElementSumsTarget::returnInsideCaller, new double[] {1, 2, -11, 3},
                new double[] {-22, -44, 5, 0});
        check("break", ElementSumsTarget::waysOut, new double[] {1, 2, 11, 3}, new double[] {4, 8, 0, 0});
        check("return", ElementSumsTarget::waysOut, new double[] {1, 2, -11, 3}, new double[] {-22, -44, 5, 0});

        check("exception caught around the loop", ElementSumsTarget::caughtOutside, p,
                new double[] {2 * p[0], 2 * p[1], 2 * p[2], 2 * p[3], 0, 0});
        check("no exception", ElementSumsTarget::caughtOutside, new double[] {1, 2}, new double[] {2, 4});
        double[] d = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            d[k] = k % 3 == 0 ? 1 : 6 / (k % 3);
        }
        check("exceptions caught inside the loop", ElementSumsTarget::caughtInside, p, d);
        for (int k = 0; k < p.length; k++) {
            g[k] = 6 * p[k];
        }
        check("exception leaving the method, caught by its caller", ElementSumsTarget::thrownOutCaught, p, g);
    }

    @Test
    void twoElementsInOneLoopAndAnElementReadBackInTheLoop() {
        double[] p = values(9, 1.7);
        double y1 = 0, z0 = 0;
        for (double v : p) {
            y1 += v * v;
            z0 += Math.sin(v);
        }
        double[] g = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            g[k] = 2 * p[k] * z0 + y1 * Math.cos(p[k]) + 2;
        }
        check("two sites", ElementSumsTarget::twoSites, p, g);
        for (int k = 0; k < p.length; k++) {
            g[k] = 3 * p[k] * p[k] - 2;
        }
        check("an inlined helper in the term", ElementSumsTarget::inlinedHelper, p, g);
        for (int k = 0; k < p.length; k++) {
            g[k] = 2 * p[k];
        }
        check("a null check in the loop", ElementSumsTarget::nullChecked, p, g);
    }
}
