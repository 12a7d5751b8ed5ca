package io.adjoint.it.validation;

import io.adjoint.Gradients;
import io.adjoint.NotDifferentiableException;
import org.junit.jupiter.api.Test;

import static io.adjoint.it.validation.V.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Element sites in loops keep their array's shadow in locals (agent twin/ShadowCaches, core ShadowCacheTest): the
 * shapes where such a cache could go stale, against hand-derived gradients, in both modes, and Hessians where the
 * shape has second derivatives.
 */
class ShadowCacheTest {
    private static final double[] X = {0.7, -1.3, 2.1, 0.4, -0.2};

    @Test
    void anArrayReadPassiveThenWrittenActiveInTheSameLoop() {
        double[] g = new double[X.length];
        for (int i = 0; i + 1 < X.length; i++) {
            g[i] = 2 * (i + 2) * X[i];
        }
        V.gradient("passive then active", ShadowCacheTarget::passiveThenActiveInOneLoop, X.clone(), g, ANALYTIC);
        double[][] h = Gradients.hessian(ShadowCacheTarget::passiveThenActiveInOneLoop).at(X.clone());
        for (int i = 0; i < X.length; i++) {
            double[] row = new double[X.length];
            row[i] = i + 1 < X.length ? 2 * (i + 2) : 0;
            V.compare("passive then active, Hessian row " + i, row, h[i], ANALYTIC);
        }
    }

    @Test
    void anActiveThenAPassiveStoreAtOneSite() {
        V.gradient("active then passive", ShadowCacheTarget::activeThenPassiveAtOneSite, new double[] {0.7, -1.3},
                new double[] {0, 3}, ANALYTIC);
    }

    @Test
    void oneSiteAlternatingBetweenArrays() {
        double[] g = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            g[i] = 2 * (3 * i + 2) + (3 * i + 3); // twice[i] read at k = 3i + 1, x[i] at k = 3i + 2
        }
        V.gradient("alternating", ShadowCacheTarget::alternatingArrays, X.clone(), g, ANALYTIC);
    }

    @Test
    void arraysGivenOrClearedOfActiveElementsByArraycopyOrFill() {
        double[] g = new double[X.length];
        java.util.Arrays.fill(g, 5.0 / 3 + 2);
        V.gradient("arraycopy", ShadowCacheTarget::replacedByArraycopy, X.clone(), g, ANALYTIC);
        V.gradient("fill", ShadowCacheTarget::filledInTheLoop, new double[] {0.7}, new double[] {3}, ANALYTIC);
    }

    @Test
    void anElementOverwrittenByUninstrumentedCodeIsRefusedAtTheNextPass() {
        for (var g : new io.adjoint.Gradient[] {Gradients.of(ShadowCacheTarget::overwrittenBetweenPasses),
            Gradients.forward(ShadowCacheTarget::overwrittenBetweenPasses)}) {
            NotDifferentiableException e = assertThrows(NotDifferentiableException.class, () -> g.at(X.clone()));
            assertTrue(e.getMessage().contains("overwritten"), e.getMessage());
        }
    }

    @Test
    void readsThatThrowAndAreCaught() {
        V.gradient("caught", ShadowCacheTarget::caughtOutOfBounds, new double[] {0.7, -1.3}, new double[] {0, 4},
                ANALYTIC);
    }

    @Test
    void aNestedRecordingStartedInsideTheLoop() {
        double sumSq = 0;
        for (double v : X) {
            sumSq += v * v;
        }
        double[] g = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            g[i] = 2 * X[i] * sumSq;
        }
        V.gradient("nested", ShadowCacheTarget::nestedRecordingInTheLoop, X.clone(), g, ANALYTIC);
    }

    /** A short loop in a method called again and again: its sites' caches carried across calls by the site tables. */
    @Test
    void aShortLoopCalledAgainAndAgain() {
        double[] x = {0.7, -1.3};
        V.gradient("across calls", ShadowCacheTarget::acrossCalls, x.clone(),
                new double[] {2 * x[1] + 3, 2 * x[0] + 3}, ANALYTIC);
        V.gradient("across calls, one array", ShadowCacheTarget::acrossCallsOneArray, x.clone(),
                new double[] {2 * x[1], 2 * x[0]}, ANALYTIC);
    }
}
