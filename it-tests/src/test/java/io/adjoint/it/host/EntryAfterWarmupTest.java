package io.adjoint.it.host;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prologues compiled while their test was the constant false enter twins once the first recording starts. */
class EntryAfterWarmupTest {

    @Test
    void aCallbackCompiledBeforeTheFirstRecordingIsEnteredAfterIt() throws Exception {
        for (String warm : new String[] {"0", "300000"}) {
            Child c = Child.java().agent("")
                    .run(EntryAfterWarmupMain.class.getName(), warm);
            assertEquals(0, c.exit, c.describe());
            assertTrue(c.out.contains("warmed " + warm), c.out);
            assertTrue(c.out.contains("gradient 6.0"), "d/dx x^2 at 3 through JDK code, after " + warm
                    + " warm-up calls: " + c.describe());
        }
    }
}
