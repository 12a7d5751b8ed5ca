package io.adjoint.agent;

import io.adjoint.agent.host.HostTransformer;
import io.adjoint.agent.report.ReportHook;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's entry points and its shared state. Reached three ways: {@code -javaagent} ({@link #premain}),
 * attach into a running JVM ({@link #agentmain}), and self-attach on the first gradient call
 * ({@link #ensureInstalled()}). Installing registers the {@link HostTransformer} (method prologues) and,
 * when attached late, retransforms the classes already loaded.
 */
public final class AdjointAgent {
    private AdjointAgent() {
    }

    private static volatile Instrumentation instrumentation;
    /** Parsed when the agent is installed (or first asked for): a malformed system property fails there. */
    private static volatile AgentOptions options;
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /**
     * {@code -javaagent}: a malformed option stops the JVM here, before the application's main, with one line
     * naming the option and exit status {@value #BAD_OPTIONS} (an exception out of premain would make the JVM
     * abort with a native fatal error instead).
     */
    public static void premain(String args, Instrumentation inst) {
        try {
            install(args, inst);
        } catch (IllegalArgumentException e) {
            System.err.println("[adjoint] " + e.getMessage() + "; the JVM stops before the application starts");
            System.err.flush();
            Runtime.getRuntime().halt(BAD_OPTIONS);
        }
    }

    /** Exit status of a JVM stopped by a malformed agent option. */
    public static final int BAD_OPTIONS = 2;

    public static void agentmain(String args, Instrumentation inst) {
        install(args, inst);
    }

    private static synchronized void install(String args, Instrumentation inst) {
        if (instrumentation != null) {
            return;
        }
        options = AgentOptions.parse(args); // agent argument over system properties; throws if malformed
        instrumentation = inst;
        setUp(inst);
        verbose("agent installed");
    }

    private static void setUp(Instrumentation inst) {
        AgentOptions options = options();
        if (!options.report().isEmpty()) {
            ReportHook.start(options.reportFile());
            warn("reporting gradients of " + String.join(";", options.report()) + " to "
                    + Path.of(options.reportFile()).toAbsolutePath());
        }
        HostTransformer transformer = new HostTransformer(options);
        inst.addTransformer(transformer, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (inst.isModifiableClass(c) && transformer.wants(c)) {
                loaded.add(c);
            }
        }
        retransform(inst, loaded);
    }

    /** Retransforms in one batch; if the batch fails, class by class so one bad class spoils nothing else. */
    private static void retransform(Instrumentation inst, List<Class<?>> classes) {
        if (classes.isEmpty()) {
            return;
        }
        try {
            inst.retransformClasses(classes.toArray(new Class<?>[0]));
        } catch (Throwable batch) {
            for (Class<?> c : classes) {
                try {
                    inst.retransformClasses(c);
                } catch (Throwable e) {
                    warnClass(c.getName(), "cannot add prologues to " + c.getName() + ": " + why(e)
                            + "; it runs unchanged");
                }
            }
        }
    }

    /** The options in force: those of the installed agent, else those of the system properties. */
    public static AgentOptions options() {
        AgentOptions o = options;
        if (o == null) {
            synchronized (AdjointAgent.class) {
                if (options == null) {
                    options = AgentOptions.fromSystemProperties();
                }
                o = options;
            }
        }
        return o;
    }

    /** The instrumentation, attaching the agent to this JVM first if nobody has. */
    public static Instrumentation ensureInstalled() {
        Instrumentation inst = instrumentation;
        if (inst == null) {
            synchronized (AdjointAgent.class) {
                if (instrumentation == null) {
                    options(); // a malformed adjoint.* system property fails here, before anything is attached
                    Instrumentation attached = SelfAttach.attach();
                    if (instrumentation == null) { // the attached agent may have run agentmain itself
                        instrumentation = attached;
                        setUp(attached);
                    }
                    verbose("agent self-attached");
                }
                inst = instrumentation;
            }
        }
        return inst;
    }

    /** One line on stderr: something the user should know (a class left uninstrumented). */
    public static void warn(String message) {
        System.err.println("[adjoint] " + oneLine(message));
    }

    /**
     * One line on stderr about a class, once: the first failure concerning a class is the one reported (its
     * prologues and its twins may both fail for the same cause).
     */
    public static void warnClass(String className, String message) {
        if (WARNED.add(className)) {
            warn(message);
        }
    }

    /** A throwable in one line: its class and the first line of its message (a VerifyError's is a page). */
    public static String why(Throwable e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getName();
        }
        int nl = m.indexOf('\n');
        return e.getClass().getName() + ": " + (nl < 0 ? m : m.substring(0, nl).strip() + " ...");
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ");
    }

    public static void verbose(String message) {
        if (options().verbose()) {
            System.err.println("[adjoint] " + message);
        }
    }
}
