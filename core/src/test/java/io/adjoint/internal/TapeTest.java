package io.adjoint.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class TapeTest {
    /** An output that is itself an input (e.g. a median found by sorting) lies below the other inputs. */
    @Test
    void gradientOfAnInputIsAUnitVector() {
        Tape t = Tape.open();
        try {
            long[] x = Ops.seed(new double[] {2.0, 1.0, 3.0}, t);
            assertArrayEquals(new double[] {1.0, 0.0, 0.0}, t.gradient(x[0], 3));
        } finally {
            t.close();
        }
    }
}
