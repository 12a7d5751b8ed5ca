package io.adjoint.agent.tools;

import org.objectweb.asm.Type;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints a {@code report=} file beside central finite differences (Richardson-extrapolated) of the same
 * static methods, so one sees at a glance how the exact gradient and finite differences compare.
 * Usage: {@code java -cp adjoint-agent.jar:APP_CLASSPATH io.adjoint.agent.tools.ReportCheck REPORT.jsonl}
 */
public final class ReportCheck {
    private ReportCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ReportCheck REPORT.jsonl   (with the application on the class path)");
            System.exit(2);
        }
        double worst = 0;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> call = (Map<String, Object>) new Json(line).value();
            worst = Math.max(worst, show(call));
        }
        System.out.printf("%nlargest relative difference between Adjoint and finite differences: %.1e%n", worst);
    }

    private static double show(Map<String, Object> call) throws Exception {
        String method = (String) call.get("method");
        String desc = (String) call.get("descriptor");
        List<?> args = (List<?>) call.get("args");
        Object depth = call.get("depth");
        String nested = depth instanceof Double d && d > 0 ? "  (nested, depth " + d.intValue() + ")" : "";
        if (call.containsKey("exception")) {
            System.out.printf("%n%s%s  threw %s%s%n", method, shortArgs(args), call.get("exception"), nested);
            return 0;
        }
        System.out.printf("%n%s%s  value = %s%s%n", method, shortArgs(args), call.get("value"), nested);
        if (call.containsKey("error")) {
            System.out.println("  no gradient: " + call.get("error"));
            return 0;
        }
        List<?> gradient = (List<?>) call.get("gradient");
        Method m;
        try {
            m = find(method, desc);
        } catch (IllegalArgumentException | ClassNotFoundException e) {
            System.out.println("  gradient " + gradient + "; no finite differences: " + e.getMessage());
            return 0;
        }
        Object[] real = new Object[args.size()];
        Class<?>[] params = m.getParameterTypes();
        for (int i = 0; i < real.length; i++) {
            real[i] = params[i] == double.class ? ((Number) args.get(i)).doubleValue()
                    : params[i] == double[].class ? toArray((List<?>) args.get(i)) : convert(params[i], args.get(i));
        }
        System.out.printf("  %-14s %14s %22s %22s %10s%n", "input", "at", "Adjoint (exact)", "finite differences", "rel. diff");
        int k = 0;
        double worst = 0;
        for (int i = 0; i < real.length; i++) {
            if (real[i] instanceof Double) {
                worst = Math.max(worst, row(m, real, i, -1, "arg" + i, ((Number) gradient.get(k++)).doubleValue()));
            } else if (real[i] instanceof double[] d) {
                for (int j = 0; j < d.length; j++) {
                    worst = Math.max(worst, row(m, real, i, j, "arg" + i + "[" + j + "]", ((Number) gradient.get(k++)).doubleValue()));
                }
            }
        }
        return worst;
    }

    private static double row(Method m, Object[] args, int i, int j, String name, double exact) throws Exception {
        double x = j < 0 ? (Double) args[i] : ((double[]) args[i])[j];
        double fd = richardson(m, args, i, j, x);
        double rel = Math.abs(exact - fd) / Math.max(Math.abs(exact), 1e-300);
        if (exact == 0 && fd == 0) {
            rel = 0;
        }
        System.out.printf("  %-14s %14.6g %22.15g %22.15g %10.1e%n", name, x, exact, fd, rel);
        return rel;
    }

    /** Central differences at h, h/2, h/4, h/8 combined by Richardson extrapolation (error O(h^8)). */
    private static double richardson(Method m, Object[] args, int i, int j, double x) throws Exception {
        int levels = 4;
        double[][] table = new double[levels][];
        double h = 1e-2 * Math.max(1.0, Math.abs(x));
        for (int n = 0; n < levels; n++, h /= 2) {
            table[n] = new double[n + 1];
            table[n][0] = (eval(m, args, i, j, x + h) - eval(m, args, i, j, x - h)) / (2 * h);
            double factor = 4;
            for (int c = 1; c <= n; c++, factor *= 4) {
                table[n][c] = table[n][c - 1] + (table[n][c - 1] - table[n - 1][c - 1]) / (factor - 1);
            }
        }
        return table[levels - 1][levels - 1];
    }

    private static double eval(Method m, Object[] args, int i, int j, double x) throws Exception {
        Object[] a = args.clone();
        if (j < 0) {
            a[i] = x;
        } else {
            double[] d = ((double[]) a[i]).clone();
            d[j] = x;
            a[i] = d;
        }
        for (int n = 0; n < a.length; n++) {
            if (n != i && a[n] instanceof double[] d) {
                a[n] = d.clone(); // the method may write into its arrays
            }
        }
        return (Double) m.invoke(null, a);
    }

    private static Method find(String method, String desc) throws ClassNotFoundException {
        String className = method.substring(0, method.indexOf('#')), name = method.substring(method.indexOf('#') + 1);
        for (Method m : Class.forName(className).getDeclaredMethods()) {
            if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(desc)) {
                if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                    throw new IllegalArgumentException(method + " is an instance method: finite differences need "
                            + "its receiver, which the report does not hold");
                }
                m.setAccessible(true);
                return m;
            }
        }
        throw new IllegalArgumentException("no method " + method + desc);
    }

    private static double[] toArray(List<?> list) {
        double[] d = new double[list.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = ((Number) list.get(i)).doubleValue();
        }
        return d;
    }

    private static Object convert(Class<?> type, Object v) {
        if (type == int.class) {
            return ((Number) v).intValue();
        }
        if (type == long.class) {
            return ((Number) v).longValue();
        }
        return v;
    }

    private static String shortArgs(List<?> args) {
        String s = args.toString().replace(" ", "");
        return "(" + s.substring(1, s.length() - 1) + ")";
    }

    /** Just enough JSON for report lines: objects, arrays, strings, numbers, booleans, null. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() throws IOException {
            skip();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                i++;
                skip();
                while (s.charAt(i) != '}') {
                    String k = (String) value();
                    skip();
                    i++; // ':'
                    m.put(k, value());
                    skip();
                    if (s.charAt(i) == ',') {
                        i++;
                    }
                    skip();
                }
                i++;
                return m;
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                skip();
                while (s.charAt(i) != ']') {
                    l.add(value());
                    skip();
                    if (s.charAt(i) == ',') {
                        i++;
                    }
                    skip();
                }
                i++;
                return l;
            }
            if (c == '"') {
                StringBuilder sb = new StringBuilder();
                for (i++; s.charAt(i) != '"'; i++) {
                    char ch = s.charAt(i);
                    if (ch == '\\') {
                        ch = s.charAt(++i);
                        if (ch == 'n') {
                            ch = '\n';
                        } else if (ch == 'u') {
                            ch = (char) Integer.parseInt(s.substring(i + 1, i + 5), 16);
                            i += 4;
                        }
                    }
                    sb.append(ch);
                }
                i++;
                String str = sb.toString();
                return switch (str) { // non-finite numbers are written as strings
                    case "NaN" -> Double.NaN;
                    case "Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Infinity" -> Double.NEGATIVE_INFINITY;
                    default -> str;
                };
            }
            int start = i;
            while (i < s.length() && "{}[],: ".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String tok = s.substring(start, i);
            return switch (tok) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                default -> Double.parseDouble(tok);
            };
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
