package io.adjoint.bench.overhead;

/** The smallest application: JVM start-up with and without the agent. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("hello " + Workload.sq(args.length + 2.0));
    }
}
