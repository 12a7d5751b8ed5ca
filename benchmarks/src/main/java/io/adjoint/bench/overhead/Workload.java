package io.adjoint.bench.overhead;

/**
 * An ordinary numeric workload made of many small methods, the case where a per-method prologue costs most:
 * Black-Scholes prices over a grid (price, d1, normal CDF, erfc, small helpers), the pairwise energy of a
 * particle cloud (distance, kernel, square), and an RK4 integration of a damped pendulum through small
 * instance methods. It knows nothing of Adjoint. One operation: all three.
 */
public final class Workload {
    private Workload() {
    }

    // ---- options ------------------------------------------------------------------------------

    static double sq(double x) {
        return x * x;
    }

    static double d1(double s, double k, double r, double sigma, double t) {
        return (Math.log(s / k) + (r + 0.5 * sq(sigma)) * t) / (sigma * Math.sqrt(t));
    }

    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
        double r = t * Math.exp(poly);
        return x >= 0 ? r : 2.0 - r;
    }

    static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2.0));
    }

    static double discount(double r, double t) {
        return Math.exp(-r * t);
    }

    public static double price(double s, double k, double r, double sigma, double t) {
        double a = d1(s, k, r, sigma, t);
        double b = a - sigma * Math.sqrt(t);
        return s * normalCdf(a) - k * discount(r, t) * normalCdf(b);
    }

    static double book(int n) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += price(100.0, 80.0 + i, 0.02, 0.15 + 0.001 * i, 0.5 + 0.01 * i);
        }
        return total;
    }

    // ---- particles ----------------------------------------------------------------------------

    static double dist2(double[] p, int i, int j) {
        return sq(p[3 * i] - p[3 * j]) + sq(p[3 * i + 1] - p[3 * j + 1]) + sq(p[3 * i + 2] - p[3 * j + 2]);
    }

    static double kernel(double r2) {
        return 1.0 / Math.sqrt(r2 + 0.01);
    }

    static double energy(double[] p) {
        int n = p.length / 3;
        double e = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                e += kernel(dist2(p, i, j));
            }
        }
        return e;
    }

    // ---- pendulum -----------------------------------------------------------------------------

    /** A state with small accessor and update methods, as ordinary object-oriented numeric code has. */
    static final class State {
        private double angle, velocity;

        State(double angle, double velocity) {
            this.angle = angle;
            this.velocity = velocity;
        }

        double angle() {
            return angle;
        }

        double velocity() {
            return velocity;
        }

        double acceleration(double a, double v) {
            return -9.81 * Math.sin(a) - 0.1 * v;
        }

        void step(double h) {
            double a = angle, v = velocity;
            double k1a = v, k1v = acceleration(a, v);
            double k2a = v + 0.5 * h * k1v, k2v = acceleration(a + 0.5 * h * k1a, v + 0.5 * h * k1v);
            double k3a = v + 0.5 * h * k2v, k3v = acceleration(a + 0.5 * h * k2a, v + 0.5 * h * k2v);
            double k4a = v + h * k3v, k4v = acceleration(a + h * k3a, v + h * k3v);
            angle = a + h / 6 * (k1a + 2 * k2a + 2 * k3a + k4a);
            velocity = v + h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
        }
    }

    static double pendulum(int steps) {
        State s = new State(1.0, 0.0);
        for (int i = 0; i < steps; i++) {
            s.step(0.01);
        }
        return s.angle() + s.velocity();
    }

    // ---- one operation --------------------------------------------------------------------------

    private static final double[] CLOUD = new double[3 * 48];

    static {
        for (int i = 0; i < CLOUD.length; i++) {
            CLOUD[i] = Math.sin(1.7 * i) * 3.0;
        }
    }

    public static double op() {
        return book(64) + energy(CLOUD) + pendulum(200);
    }

    /**
     * Runs {@code op} for {@code warmupMillis}, then {@code rounds} rounds of {@code roundMillis}, and prints
     * the mean time per operation of each round in nanoseconds, one number a line: CPU time of this thread
     * (on a shared machine less disturbed than wall time by other processes), then wall time.
     */
    public static void main(String[] args) {
        long warmup = Long.parseLong(args[0]), round = Long.parseLong(args[1]);
        int rounds = Integer.parseInt(args[2]);
        double sink = 0;
        long end = System.nanoTime() + warmup * 1_000_000;
        while (System.nanoTime() < end) {
            sink += op();
        }
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds; r++) {
            long ops = 0, start = System.nanoTime(), cpu0 = cpu.getCurrentThreadCpuTime(),
                    stop = start + round * 1_000_000, now;
            do {
                for (int i = 0; i < 16; i++) {
                    sink += op();
                }
                ops += 16;
                now = System.nanoTime();
            } while (now < stop);
            System.out.println((double) (cpu.getCurrentThreadCpuTime() - cpu0) / ops + " " + (double) (now - start) / ops);
        }
        System.err.println("sink " + sink); // keeps the work alive
    }
}
