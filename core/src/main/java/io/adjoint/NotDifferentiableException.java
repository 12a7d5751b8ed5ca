package io.adjoint;

/**
 * Thrown where Adjoint cannot give an exact derivative: an opaque call (native, excluded, no bytecode)
 * that returns a double computed from an active value, bit tricks on an active value, memory changed
 * behind the tape's back. Adjoint throws rather than return a gradient that is silently wrong.
 */
public class NotDifferentiableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotDifferentiableException(String message) {
        super(message);
    }

    public NotDifferentiableException(String message, Throwable cause) {
        super(message, cause);
    }
}
