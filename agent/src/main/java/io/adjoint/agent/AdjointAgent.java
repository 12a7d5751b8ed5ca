package io.adjoint.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points and its shared state. Reached three ways: {@code -javaagent} ({@link #premain}),
 * attach into a running JVM ({@link #agentmain}), and self-attach on the first gradient call
 * ({@link #ensureInstalled()}).
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
        if (args != null && !args.isEmpty()) {
            options = AgentOptions.parse(args);
        }
        instrumentation = inst;
        verbose("agent installed");
        startReports(inst);
    }

    /** report=: prologues on the named methods, also in classes loaded before the agent (attach). */
    private static void startReports(Instrumentation inst) {
        if (options.report().isEmpty()) {
            return;
        }
        io.adjoint.agent.report.ReportHook.start(options.reportFile());
        warn("reporting gradients of " + String.join(";", options.report()) + " to "
                + java.nio.file.Path.of(options.reportFile()).toAbsolutePath());
        io.adjoint.agent.report.ReportTransformer t = new io.adjoint.agent.report.ReportTransformer(options.report());
        inst.addTransformer(t, true);
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (t.classNames().contains(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
                try {
                    inst.retransformClasses(c);
                } catch (Exception | LinkageError e) {
                    warn("cannot add report prologues to " + c.getName() + ": " + e);
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
                    instrumentation = SelfAttach.attach();
                    verbose("agent self-attached");
                    startReports(instrumentation);
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
