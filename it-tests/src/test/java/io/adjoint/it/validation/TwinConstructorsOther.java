package io.adjoint.it.validation;

/** A class of its own nest: its private twin constructor is reached through a private lookup. */
class TwinConstructorsOther {
    final double u;
    final double v;

    TwinConstructorsOther(double u, double v) {
        this.u = u;
        this.v = v + 0.0;
        TwinConstructorsTarget.note(TwinConstructorsOther.class);
    }

    TwinConstructorsOther plus(TwinConstructorsOther o) {
        return new TwinConstructorsOther(u + o.u, v + o.v); // its own code: the twin constructor
    }
}
