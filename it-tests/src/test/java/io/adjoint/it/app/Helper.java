package io.adjoint.it.app;

/** A second class of the application, called by {@link Funcs#viaHelper}. */
public final class Helper {
    private Helper() {
    }

    public static double cube(double y) {
        return y * y * y;
    }
}
