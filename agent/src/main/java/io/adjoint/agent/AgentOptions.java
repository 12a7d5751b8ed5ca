package io.adjoint.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Agent options: {@code -javaagent:adjoint-agent.jar=key=value,key=value} or, for the programmatic path,
 * system properties {@code adjoint.<key>}. Both may be given: the system properties are read first and the
 * agent argument overrides them key by key. An unknown key or a malformed value is an error at startup
 * (the message names the option or the property): an application must never run believing it is measured
 * when it is not.
 *
 * <ul>
 *   <li>{@code include=GLOBS} / {@code exclude=GLOBS}: class-name globs separated by {@code ;}
 *       ({@code com.acme.**;org.example.Model}); {@code *} matches within a package, {@code **} across.</li>
 *   <li>{@code report=Class#method;Class#method}: report the gradient of every call of these methods.</li>
 *   <li>{@code out=PATH}: the report file (default {@code adjoint-report.jsonl} in the working directory).</li>
 *   <li>{@code verbose[=true|false]}: one stderr line per class given prologues and per class given twins.</li>
 *   <li>{@code dump=DIR}: write every class file Adjoint generates (twins, classes with prologues) there.</li>
 *   <li>{@code verify=true|false} (default true): check each class with prologues (ASM's analyzer) before
 *       handing it to the JVM; a class that fails keeps its original bytes.</li>
 *   <li>{@code jit=true|false} (default true): ask the JIT to inline the generated block methods into the twins
 *       (a compiler directive added when the first twins are made, see link/JitDirective).</li>
 * </ul>
 * In a system property a {@code ,} may stand for {@code ;}, and {@code -Dadjoint.verbose} alone means true.
 */
public record AgentOptions(boolean verbose, String dumpDirectory, List<Pattern> include, List<Pattern> exclude,
                           List<String> report, String out, boolean verify, boolean jit) {

    private static final String[] KEYS = {"verbose", "dump", "include", "exclude", "report", "out", "verify", "jit"};

    /** One key=value as given, and how to name it in an error message. */
    private record Given(String value, String name) {
    }

    /** The options given as system properties {@code adjoint.<key>}. */
    static AgentOptions fromSystemProperties() {
        return parse(null);
    }

    /** The options of the agent argument {@code args} (may be null), over those of the system properties. */
    static AgentOptions parse(String args) {
        Map<String, Given> given = new LinkedHashMap<>();
        for (String key : KEYS) {
            String v = System.getProperty("adjoint." + key);
            if (v != null) {
                if (key.equals("verbose") && v.isEmpty()) {
                    v = "true";
                }
                given.put(key, new Given(v.replace(",", ";"), "system property adjoint." + key));
            }
        }
        for (String part : args == null ? new String[0] : args.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = eq < 0 ? part.trim() : part.substring(0, eq).trim();
            String value = eq < 0 ? null : part.substring(eq + 1).trim();
            if (!List.of(KEYS).contains(key)) {
                throw new IllegalArgumentException("unknown adjoint agent option '" + key + "' (known: "
                        + String.join(", ", KEYS) + ")");
            }
            given.put(key, new Given(value, "adjoint agent option " + key));
        }
        boolean verbose = false, verify = true, jit = true;
        String dump = null, out = null;
        List<Pattern> include = new ArrayList<>(), exclude = new ArrayList<>();
        List<String> report = new ArrayList<>();
        for (Map.Entry<String, Given> e : given.entrySet()) {
            String value = e.getValue().value, name = e.getValue().name;
            switch (e.getKey()) {
                case "verbose" -> verbose = value == null || parseBoolean(name, value);
                case "verify" -> verify = value == null || parseBoolean(name, value);
                case "jit" -> jit = value == null || parseBoolean(name, value);
                case "dump" -> dump = required(name, value, "a directory");
                case "out" -> out = required(name, value, "a file path");
                case "include" -> globs(name, required(name, value, "class-name globs"), include);
                case "exclude" -> globs(name, required(name, value, "class-name globs"), exclude);
                case "report" -> {
                    for (String m : required(name, value, "Class#method;Class#method").split(";")) {
                        if (m.isBlank()) {
                            continue;
                        }
                        if (!m.trim().matches("[\\w$.]+#[\\w$]+")) {
                            throw new IllegalArgumentException(name + ": '" + m + "' is not of the form Class#method");
                        }
                        report.add(m.trim());
                    }
                    if (report.isEmpty()) {
                        throw new IllegalArgumentException(name + " needs Class#method;Class#method");
                    }
                }
                default -> throw new AssertionError(e.getKey());
            }
        }
        return new AgentOptions(verbose, dump, List.copyOf(include), List.copyOf(exclude), List.copyOf(report), out,
                verify, jit);
    }

    private static boolean parseBoolean(String name, String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static String required(String name, String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " needs " + what);
        }
        return value;
    }

    private static void globs(String name, String value, List<Pattern> into) {
        for (String g : value.split(";")) {
            g = g.trim();
            if (g.isEmpty()) {
                continue;
            }
            into.add(glob(name, g));
        }
    }

    /** A class-name glob: {@code *} within a package, {@code **} across packages. */
    public static Pattern glob(String name, String g) {
        if (!g.matches("[\\w$.*]+")) {
            throw new IllegalArgumentException(name + ": '" + g + "' is not a class-name glob");
        }
        return Pattern.compile(g.replace(".", "\\.").replace("$", "\\$").replace("**", "\u0000")
                .replace("*", "[^.]*").replace("\u0000", ".*"));
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

    /** Whether {@code className#method} is one of the report= methods. */
    public boolean reports(String className, String method) {
        return !report.isEmpty() && report.contains(className + "#" + method);
    }

    /** The report file. */
    public String reportFile() {
        return out != null ? out : "adjoint-report.jsonl";
    }
}
