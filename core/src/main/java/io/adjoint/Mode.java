package io.adjoint;

/** How a Jacobian is accumulated over the one recording of the function. */
public enum Mode {
    /** Tangent sweeps, one per block of columns (input directions): cheap when inputs are few. */
    FORWARD,
    /** Adjoint sweeps, one per block of rows (outputs): cheap when outputs are few. */
    REVERSE,
    /** {@link #FORWARD} when the function has no more inputs than outputs, {@link #REVERSE} otherwise. */
    AUTO
}
