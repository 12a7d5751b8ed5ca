package io.adjoint.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Agent options: {@code -javaagent:adjoint-agent.jar=key=value,key=value} or, for the programmatic path,
 * system properties {@code adjoint.<key>}. An unknown key or a malformed value is an error at startup:
 * an application must never run believing it is measured when it is not.
 *
 * <ul>
 *   <li>{@code include=GLOBS} / {@code exclude=GLOBS}: class-name globs separated by {@code ;}
 *       ({@code com.acme.**;org.example.Model}); {@code *} matches within a package, {@code **} across.</li>
 *   <li>{@code report=Class#method;Class#method}: report the gradient of every call of these methods.</li>
 *   <li>{@code out=PATH}: the report file (default {@code adjoint-report.jsonl} in the working directory).</li>
 *   <li>{@code verbose}: one line per instrumented class; {@code dump=DIR}: write every generated class there.</li>
 * </ul>
 */
public record AgentOptions(boolean verbose, String dumpDirectory, List<Pattern> include, List<Pattern> exclude,
                           List<String> report, String out) {

    private static final String[] KEYS = {"verbose", "dump", "include", "exclude", "report", "out"};

    static AgentOptions fromSystemProperties() {
        StringBuilder sb = new StringBuilder();
        for (String key : KEYS) {
            String v = System.getProperty("adjoint." + key);
            if (v != null) {
                sb.append(sb.length() == 0 ? "" : ",").append(key).append('=').append(v.replace(",", ";"));
            }
        }
        return parse(sb.toString());
    }

    /** Parses the agent argument string. */
    static AgentOptions parse(String args) {
        boolean verbose = false;
        String dump = null, out = null;
        List<Pattern> include = new ArrayList<>(), exclude = new ArrayList<>();
        List<String> report = new ArrayList<>();
        for (String part : args == null ? new String[0] : args.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = eq < 0 ? part.trim() : part.substring(0, eq).trim();
            String value = eq < 0 ? null : part.substring(eq + 1).trim();
            switch (key) {
                case "verbose" -> verbose = value == null || parseBoolean(key, value);
                case "dump" -> dump = required(key, value, "a directory");
                case "out" -> out = required(key, value, "a file path");
                case "include" -> globs(key, required(key, value, "class-name globs"), include);
                case "exclude" -> globs(key, required(key, value, "class-name globs"), exclude);
                case "report" -> {
                    for (String m : required(key, value, "Class#method;Class#method").split(";")) {
                        if (!m.isBlank() && !m.trim().matches("[\\w$.]+#[\\w$]+")) {
                            throw new IllegalArgumentException("adjoint agent option report: '" + m
                                    + "' is not of the form Class#method");
                        }
                        if (!m.isBlank()) {
                            report.add(m.trim());
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown adjoint agent option '" + key
                        + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        return new AgentOptions(verbose, dump, List.copyOf(include), List.copyOf(exclude), List.copyOf(report), out);
    }

    private static boolean parseBoolean(String key, String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("adjoint agent option " + key + ": '" + value + "' is not true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static String required(String key, String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("adjoint agent option '" + key + "' needs " + what + ": " + key + "=...");
        }
        return value;
    }

    private static void globs(String key, String value, List<Pattern> into) {
        for (String g : value.split(";")) {
            g = g.trim();
            if (g.isEmpty()) {
                continue;
            }
            if (!g.matches("[\\w$.*]+")) {
                throw new IllegalArgumentException("adjoint agent option " + key + ": '" + g + "' is not a class-name glob");
            }
            into.add(Pattern.compile(g.replace(".", "\\.").replace("$", "\\$").replace("**", "\u0000")
                    .replace("*", "[^.]*").replace("\u0000", ".*")));
        }
    }

    /** Whether classes of this name may be instrumented: never the JDK, Adjoint itself, ASM or Byte Buddy. */
    public boolean instruments(String className) {
        if (className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
                || className.startsWith("sun.") || className.startsWith("com.sun.")
                || className.startsWith("org.objectweb.asm.") || className.startsWith("net.bytebuddy.")
                || isTestInfrastructure(className)) {
            return false;
        }
        if (className.startsWith("io.adjoint.")) {
            String rest = className.substring("io.adjoint.".length());
            if (rest.indexOf('.') < 0 || rest.startsWith("internal.") || rest.startsWith("agent.")
                    || rest.startsWith("shaded.")) {
                return false;
            }
        }
        for (Pattern p : exclude) {
            if (p.matcher(className).matches()) {
                return false;
            }
        }
        if (include.isEmpty()) {
            return true;
        }
        for (Pattern p : include) {
            if (p.matcher(className).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Test runners and build tools that host tests: never part of what is differentiated. */
    private static boolean isTestInfrastructure(String className) {
        return className.startsWith("org.junit.") || className.startsWith("junit.")
                || className.startsWith("org.apache.maven.") || className.startsWith("org.opentest4j.")
                || className.startsWith("org.apiguardian.") || className.startsWith("org.openjdk.jmh.");
    }

    /** The report file. */
    public String reportFile() {
        return out != null ? out : "adjoint-report.jsonl";
    }
}
