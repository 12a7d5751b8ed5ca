package io.adjoint.agent.report;

import io.adjoint.agent.AdjointAgent;
import io.adjoint.agent.link.Twins;
import io.adjoint.internal.Ops;
import io.adjoint.internal.Slot;
import io.adjoint.internal.Tape;
import org.objectweb.asm.Type;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a reported call: the method's twin computes the same value bit for bit while recording, a reverse
 * sweep gives the gradient with respect to each double argument and each element of each double[]
 * argument (flattened in order), and one JSON object per call is appended to the report file. The
 * application gets exactly the value the method returns without the agent. If the twin cannot run
 * (Adjoint cannot differentiate something inside), the original method runs instead and the report
 * line says why: the host application never breaks.
 */
public final class ReportHook {
    private ReportHook() {
    }

    private static volatile boolean on;
    private static Writer out;
    /** Set while this thread runs a reported call's twin or its fallback, so the prologue steps aside. */
    private static final ThreadLocal<boolean[]> BUSY = ThreadLocal.withInitial(() -> new boolean[1]);
    private static final ConcurrentHashMap<String, MethodHandle> TWINS = new ConcurrentHashMap<>();

    public static synchronized void start(String file) {
        try {
            out = new OutputStreamWriter(new FileOutputStream(file, true), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("adjoint agent option out: cannot write " + file + ": " + e.getMessage(), e);
        }
        on = true;
        Runtime.getRuntime().addShutdownHook(new Thread(ReportHook::flush, "adjoint-report-flush"));
    }

    /** The prologue's test: reporting is on and this thread is not already inside a reported call. */
    public static boolean enabled() {
        return on && !BUSY.get()[0];
    }

    /** The report prologue's hook; {@code nameDesc} is "name(desc)". Returns the method's value, boxed. */
    public static Object call(Class<?> owner, String nameDesc, Object receiver, Object[] args) throws Throwable {
        boolean[] busy = BUSY.get();
        busy[0] = true;
        try {
            return record(owner, owner.getName() + "#" + nameDesc, receiver, args);
        } finally {
            busy[0] = false;
        }
    }

    private static double record(Class<?> owner, String key, Object receiver, Object[] args) throws Throwable {
        int hash = key.indexOf('#'), paren = key.indexOf('(');
        String name = key.substring(hash + 1, paren), desc = key.substring(paren);
        Type[] types = Type.getArgumentTypes(desc);
        MethodHandle twin;
        try {
            twin = TWINS.computeIfAbsent(key + (receiver == null ? "" : "@" + receiver.getClass().getName()),
                    k -> twinOf(receiver != null ? receiver.getClass() : owner, name, desc));
        } catch (RuntimeException e) {
            return fallback(owner, key, receiver, args, e);
        }
        Tape t = Tape.open();
        try {
            List<Object> twinArgs = new ArrayList<>();
            if (receiver != null) {
                twinArgs.add(receiver);
            }
            int inputs = 0;
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (types[i].getSort() == Type.DOUBLE) {
                    twinArgs.add(t.input((Double) a));
                    inputs++;
                } else {
                    if (a instanceof double[] d) {
                        Ops.seed(d, t);
                        inputs += d.length;
                    }
                    twinArgs.add(a);
                }
            }
            twinArgs.add(t);
            long r;
            try {
                r = (long) twin.invokeWithArguments(twinArgs);
            } catch (io.adjoint.NotDifferentiableException e) {
                t.close();
                t = null;
                return fallback(owner, key, receiver, args, e);
            }
            double value = t.primal(r);
            double[] gradient = t.gradient(r, inputs);
            write(key, args, types, value, gradient, null);
            return value;
        } finally {
            if (t != null) {
                t.close();
            }
        }
    }

    private static MethodHandle twinOf(Class<?> c, String name, String desc) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            MethodHandle h = Twins.handle(k, name, desc);
            if (h != null) {
                return h;
            }
        }
        throw new IllegalStateException("Adjoint cannot instrument " + c.getName() + "#" + name + desc);
    }

    /** Runs the original method (its prologue steps aside while BUSY is set) and reports why there is no gradient. */
    private static double fallback(Class<?> owner, String key, Object receiver, Object[] args, Throwable why)
            throws Throwable {
        int hash = key.indexOf('#'), paren = key.indexOf('(');
        String name = key.substring(hash + 1, paren), desc = key.substring(paren);
        Class<?> c = receiver != null ? receiver.getClass() : owner;
        java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.privateLookupIn(
                receiver != null ? declaring(c, name, desc) : c, java.lang.invoke.MethodHandles.lookup());
        MethodType type = MethodType.fromMethodDescriptorString(desc, c.getClassLoader());
        MethodHandle m = receiver != null ? l.findVirtual(l.lookupClass(), name, type).bindTo(receiver)
                : l.findStatic(c, name, type);
        double value = (double) m.invokeWithArguments(args);
        write(key, args, Type.getArgumentTypes(desc), value, null, String.valueOf(why.getMessage()));
        return value;
    }

    private static Class<?> declaring(Class<?> c, String name, String desc) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (java.lang.reflect.Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(desc)) {
                    return k;
                }
            }
        }
        return c;
    }

    private static void write(String key, Object[] args, Type[] types, double value, double[] gradient, String error) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"method\":\"").append(key, 0, key.indexOf('(')).append("\",\"descriptor\":\"")
                .append(key.substring(key.indexOf('('))).append("\",\"thread\":\"")
                .append(escape(Thread.currentThread().getName())).append("\",\"args\":[");
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            json(sb, args[i]);
        }
        sb.append("],\"value\":");
        number(sb, value);
        if (gradient != null) {
            sb.append(",\"gradient\":[");
            for (int i = 0; i < gradient.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                number(sb, gradient[i]);
            }
            sb.append(']');
        }
        if (error != null) {
            sb.append(",\"error\":\"").append(escape(error)).append('"');
        }
        sb.append("}\n");
        synchronized (ReportHook.class) {
            try {
                out.write(sb.toString());
                out.flush();
            } catch (IOException e) {
                AdjointAgent.warn("cannot write the report: " + e.getMessage());
            }
        }
    }

    private static void json(StringBuilder sb, Object a) {
        if (a instanceof Double d) {
            number(sb, d);
        } else if (a instanceof Number || a instanceof Boolean) {
            sb.append(a);
        } else if (a instanceof double[] d) {
            sb.append('[');
            for (int i = 0; i < d.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                number(sb, d[i]);
            }
            sb.append(']');
        } else if (a == null) {
            sb.append("null");
        } else {
            sb.append('"').append(escape(String.valueOf(a))).append('"');
        }
    }

    private static void number(StringBuilder sb, double v) {
        if (Double.isFinite(v)) {
            sb.append(v);
        } else {
            sb.append('"').append(v).append('"'); // JSON has no NaN or Infinity
        }
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.toString();
    }

    private static synchronized void flush() {
        try {
            if (out != null) {
                out.flush();
            }
        } catch (IOException ignored) {
            // nothing to do at shutdown
        }
    }
}
