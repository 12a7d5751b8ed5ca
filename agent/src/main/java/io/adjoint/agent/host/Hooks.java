package io.adjoint.agent.host;

/** What prologues compare a hook's answer with: "not handled, run the original code". */
public final class Hooks {
    private Hooks() {
    }

    public static final Object NOT_ENTERED = new Object();
}
