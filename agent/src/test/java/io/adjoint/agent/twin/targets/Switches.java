package io.adjoint.agent.twin.targets;

/** Target: tableswitch, lookupswitch, string and enum switches, switch expressions yielding doubles. */
public class Switches {
    public enum Kind { SQUARE, CUBE, ROOT }

    public static double table(double x) {
        switch ((int) x) {
            case 0: return x;
            case 1: return x * x;
            case 2: return -x;
            case 3: x += 1;
            // fall through
            case 4: return x / 3;
            default: return 0;
        }
    }

    public static double lookup(double x, int code) {
        double r;
        switch (code) {
            case -100000: r = x; break;
            case 17: r = Math.sin(x); break;
            case 1 << 20: r = x * 2; break;
            default: r = 1;
        }
        return r;
    }

    public static double expression(double x, String name) {
        return switch (name) {
            case "exp" -> Math.exp(x);
            case "log" -> Math.log(x);
            default -> {
                double t = x * x;
                yield t + 1;
            }
        };
    }

    public static double byEnum(Kind k, double x) {
        return switch (k) {
            case SQUARE -> x * x;
            case CUBE -> x * x * x;
            case ROOT -> Math.sqrt(x);
        };
    }
}
