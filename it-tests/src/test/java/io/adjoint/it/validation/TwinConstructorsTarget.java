package io.adjoint.it.validation;

import java.lang.invoke.MethodType;

/**
 * Objects made in differentiated code: twin code makes them through the class's twin constructor (a private synthetic
 * constructor taking the slots in a frame), whether the class is of the caller's nest ({@link Vec}) or not
 * ({@link TwinConstructorsOther}); a super(...) call goes through the super constructor's twin branch. Each constructor
 * notes the type of the constructor that ran ({@link #CONSTRUCTED}), read from the stack: the test checks the path.
 */
final class TwinConstructorsTarget {
    private TwinConstructorsTarget() {
    }

    /** The types of the constructors that ran, in order: the innermost {@code <init>} of the class on the stack. */
    static final java.util.List<MethodType> CONSTRUCTED = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    static void note(Class<?> c) {
        CONSTRUCTED.add(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(s -> s.filter(f -> f.getDeclaringClass() == c && f.getMethodName().equals("<init>"))
                        .findFirst().map(StackWalker.StackFrame::getMethodType).orElse(null)));
    }

    /** An immutable 2-vector whose operations make new vectors: constructed by its own code. */
    static final class Vec {
        final double x;
        final double y;

        Vec(double x, double y) {
            this.x = x;
            this.y = y * 1.0; // the constructor computes
            note(Vec.class);
        }

        Vec minus(Vec o) {
            return new Vec(x - o.x, y - o.y);
        }

        Vec scaled(double s) {
            return new Vec(s * x, s * y);
        }

        double dot(Vec o) {
            return x * o.x + y * o.y;
        }
    }

    /** sum over pairs of |p_i - p_j|^2 scaled by x[0]: points p_i = (x[2i+1], x[2i+2]). */
    static double pairs(double[] x) {
        int n = (x.length - 1) / 2;
        Vec[] p = new Vec[n];
        for (int i = 0; i < n; i++) {
            p[i] = new Vec(x[2 * i + 1], x[2 * i + 2]);
        }
        double e = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                Vec d = p[i].minus(p[j]).scaled(x[0]);
                e += d.dot(d);
            }
        }
        return e;
    }

    /** The same through a class of another nest. */
    static double otherNest(double[] x) {
        TwinConstructorsOther a = new TwinConstructorsOther(x[0], x[1]);
        TwinConstructorsOther b = a.plus(new TwinConstructorsOther(x[1], x[0] * x[0]));
        return b.u * b.v;
    }

    /** A subclass whose constructor passes computed values to a computing super constructor. */
    static final class Scaled extends TwinConstructorsOther {
        final double w;

        Scaled(double s, double u, double v) {
            super(s * u, s * v);
            this.w = s;
            note(Scaled.class);
        }
    }

    static double superCall(double[] x) {
        Scaled a = new Scaled(x[0], x[1], x[2]);
        return a.u * a.v + a.w;
    }

    /** A constructor that throws while its object is being made: the exception, then a correct next gradient. */
    static final class Checked {
        final double v;

        Checked(double v) {
            if (v < 0) {
                throw new IllegalArgumentException("negative: " + v);
            }
            this.v = Math.sqrt(v);
        }

        Checked twice() {
            return new Checked(2 * v);
        }
    }

    static double checked(double[] x) {
        return new Checked(x[0]).twice().v * x[1];
    }
}
