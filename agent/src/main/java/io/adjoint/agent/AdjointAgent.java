package io.adjoint.agent;

import io.adjoint.agent.host.HostTransformer;
import io.adjoint.agent.report.ReportHook;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
    private static volatile AgentOptions options = AgentOptions.fromSystemProperties();

    public static void premain(String args, Instrumentation inst) {
        install(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        install(args, inst);
    }

    private static synchronized void install(String args, Instrumentation inst) {
        if (instrumentation != null) {
            return;
        }
        if (args != null && !args.isEmpty()) {
            options = AgentOptions.parse(args);
        }
        instrumentation = inst;
        setUp(inst);
        verbose("agent installed");
    }

    private static void setUp(Instrumentation inst) {
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
                    warn("cannot add prologues to " + c.getName() + ": " + e + "; it runs unchanged");
                }
            }
        }
    }

    public static AgentOptions options() {
        return options;
    }

    /** The instrumentation, attaching the agent to this JVM first if nobody has. */
    public static Instrumentation ensureInstalled() {
        Instrumentation inst = instrumentation;
        if (inst == null) {
            synchronized (AdjointAgent.class) {
                if (instrumentation == null) {
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
        System.err.println("[adjoint] " + message);
    }

    public static void verbose(String message) {
        if (options.verbose()) {
            System.err.println("[adjoint] " + message);
        }
    }
}
