package io.adjoint.it.validation;

/** Recursion through objects: an expression tree evaluated recursively, a linked list summed recursively. */
final class RecursionTarget {
    interface Expr {
        double eval(double[] env);
    }

    record Const(double v) implements Expr {
        public double eval(double[] env) {
            return v;
        }
    }

    record Var(int i) implements Expr {
        public double eval(double[] env) {
            return env[i];
        }
    }

    record Add(Expr a, Expr b) implements Expr {
        public double eval(double[] env) {
            return a.eval(env) + b.eval(env);
        }
    }

    record Mul(Expr a, Expr b) implements Expr {
        public double eval(double[] env) {
            return a.eval(env) * b.eval(env);
        }
    }

    record Sin(Expr a) implements Expr {
        public double eval(double[] env) {
            return Math.sin(a.eval(env));
        }
    }

    static final class Node {
        final double value;
        final Node next;

        Node(double value, Node next) {
            this.value = value;
            this.next = next;
        }

        /** sum_k value_k * w^k, recursively. */
        double horner(double w) {
            return value + (next == null ? 0 : w * next.horner(w));
        }
    }

    /** Built before the gradient call: sin(x0 * x1) + 2 * x0 + x1 * x1 * x1. */
    static final Expr TREE = new Add(new Add(new Sin(new Mul(new Var(0), new Var(1))), new Mul(new Const(2), new Var(0))),
            new Mul(new Var(1), new Mul(new Var(1), new Var(1))));

    static double tree(double[] x) {
        return TREE.eval(x);
    }

    /** A tree built inside with active constants: (x0 * x1) * (x0 + c) with c = x2 stored in a Const. */
    static double treeBuiltInside(double[] x) {
        Expr e = new Mul(new Mul(new Var(0), new Var(1)), new Add(new Var(0), new Const(x[2])));
        return e.eval(x);
    }

    /** The list x_n-1 ... x_0 with w = x0: p(w) = sum_k x_k w^k evaluated recursively. */
    static double polynomial(double[] x) {
        Node list = null;
        for (int i = x.length - 1; i >= 0; i--) {
            list = new Node(x[i], list);
        }
        return list.horner(x[0]);
    }
}
