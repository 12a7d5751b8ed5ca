package io.adjoint.agent;

/**
 * Agent options: {@code -javaagent:adjoint-agent.jar=key=value,...} or system properties {@code adjoint.<key>}.
 */
public record AgentOptions(boolean verbose, String dumpDirectory) {

    static AgentOptions fromSystemProperties() {
        return new AgentOptions(Boolean.getBoolean("adjoint.verbose"), System.getProperty("adjoint.dump"));
    }

    /** Parses the agent argument string; an unknown key stops the JVM's start with a message naming it. */
    static AgentOptions parse(String args) {
        AgentOptions o = fromSystemProperties();
        boolean verbose = o.verbose;
        String dump = o.dumpDirectory;
        for (String part : args.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = eq < 0 ? part.trim() : part.substring(0, eq).trim();
            String value = eq < 0 ? null : part.substring(eq + 1).trim();
            switch (key) {
                case "verbose" -> verbose = value == null || Boolean.parseBoolean(value);
                case "dump" -> {
                    if (value == null || value.isEmpty()) {
                        throw new IllegalArgumentException("adjoint agent option 'dump' needs a directory: dump=DIR");
                    }
                    dump = value;
                }
                default -> throw new IllegalArgumentException("unknown adjoint agent option '" + key
                        + "' (known: verbose, dump=DIR)");
            }
        }
        return new AgentOptions(verbose, dump);
    }

    /** Whether classes of this name may be instrumented: never the JDK, Adjoint itself, ASM or Byte Buddy. */
    public boolean instruments(String className) {
        if (className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
                || className.startsWith("sun.") || className.startsWith("com.sun.")
                || className.startsWith("org.objectweb.asm.") || className.startsWith("net.bytebuddy.")) {
            return false;
        }
        if (className.startsWith("io.adjoint.")) {
            String rest = className.substring("io.adjoint.".length());
            return !(rest.indexOf('.') < 0 || rest.startsWith("internal.") || rest.startsWith("agent.")
                    || rest.startsWith("shaded."));
        }
        return true;
    }
}
