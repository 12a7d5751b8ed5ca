package io.adjoint.agent.report;

import io.adjoint.agent.AdjointAgent;
import io.adjoint.agent.host.Hooks;
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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a reported call: the method's twin computes the same value bit for bit while recording, a reverse
 * sweep gives the gradient with respect to each double argument and each element of each double[]
 * argument (flattened in order), and one JSON object per call is appended to the report file. The
 * application gets exactly the value the method returns without the agent.
 *
 * <p>What is reported:
 * <ul>
 *   <li>each <b>top-level</b> call (one made while this thread runs no reported call) gets one line, with
 *       {@code "depth":0};</li>
 *   <li>a reported method called (directly or further down, recursion included) inside a top-level call's
 *       twin is a <b>nested</b> call: it gets a line of its own, {@code "depth"} counting the reported calls
 *       around it, with the gradient with respect to its own arguments, taken from the enclosing recording by
 *       a partial reverse sweep ({@link Tape#gradientSince}). A call's lines are written together, nested
 *       ones first (in the order they returned), in one write, so lines of several threads never interleave
 *       within a call;</li>
 *   <li>a call that throws gets a line with {@code "exception"} instead of value and gradient;</li>
 *   <li>calls inside a gradient computation that the application itself asked for ({@code Gradients}) are
 *       not reported.</li>
 * </ul>
 * If the twin fails for any reason (Adjoint cannot differentiate something inside, or fails itself), the
 * double[] arguments get back the contents they had at the call and the original method runs instead; the
 * line has the value and {@code "error"} saying why there is no gradient, the nested lines of that call are
 * dropped, and calls made inside the original are not reported. The host application never breaks: it sees
 * what the original method returns or throws. (Side effects of the method other than on its double[]
 * arguments, made by the twin before it failed, are not undone: reported methods are meant to be functions.)
 */
public final class ReportHook {
    private ReportHook() {
    }

    private static volatile boolean on;
    private static Writer out;
    private static final ConcurrentHashMap<String, MethodHandle> TWINS = new ConcurrentHashMap<>();
    /** Nested lines held for their top-level call beyond this many chars are written early. */
    private static final int HELD_MAX = 1 << 20;

    /** This thread's reporting state. */
    private static final class State {
        /** Set while this thread runs a reported call (twin or fallback): the prologue steps aside. */
        boolean busy;
        /** The recording of the top-level reported call whose twin runs now, else null. */
        Tape tape;
        /** Reported calls around the point of execution inside that twin. */
        int depth;
        /** Lines of nested calls, written with the top-level line. */
        final StringBuilder held = new StringBuilder();
    }

    private static final ThreadLocal<State> STATE = new ThreadLocal<>() { // not a lambda: cheaper at start-up
        @Override
        protected State initialValue() {
            return new State();
        }
    };

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
        return on && !STATE.get().busy;
    }

    /** The bootstrap of the report prologue's invokedynamic ({@link Hooks#bootstrap}). */
    public static java.lang.invoke.CallSite bootstrap(MethodHandles.Lookup caller, String name, MethodType type,
                                                      String nameDesc) throws ReflectiveOperationException {
        return Hooks.bootstrap(MethodHandles.lookup().findStatic(ReportHook.class, "call", MethodType.methodType(
                Object.class, Class.class, String.class, Object.class, Object[].class)), caller, name, type, nameDesc);
    }

    /** The report prologue's hook; {@code nameDesc} is "name(desc)". Returns the method's value, boxed. */
    public static Object call(Class<?> owner, String nameDesc, Object receiver, Object[] args) throws Throwable {
        State st = STATE.get();
        st.busy = true;
        try {
            return record(st, owner, owner.getName() + "#" + nameDesc, receiver, args);
        } finally {
            st.busy = false;
            st.tape = null;
            st.depth = 0;
            st.held.setLength(0);
        }
    }

    private static double record(State st, Class<?> owner, String key, Object receiver, Object[] args)
            throws Throwable {
        int hash = key.indexOf('#'), paren = key.indexOf('(');
        String name = key.substring(hash + 1, paren), desc = key.substring(paren);
        Type[] types = Type.getArgumentTypes(desc);
        Object[] shown = snapshot(args);
        MethodHandle twin;
        try {
            twin = TWINS.computeIfAbsent(key + (receiver == null ? "" : "@" + receiver.getClass().getName()),
                    k -> twinOf(receiver != null ? receiver.getClass() : owner, name, desc));
        } catch (RuntimeException e) {
            return fallback(st, owner, key, receiver, args, shown, e);
        }
        Tape t = Tape.open();
        double value;
        double[] gradient;
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
            st.tape = t;
            long r = (long) twin.invokeWithArguments(twinArgs);
            st.tape = null;
            value = t.primal(r);
            gradient = t.gradient(r, inputs);
        } catch (Throwable e) {
            st.tape = null;
            t.close();
            t = null;
            st.held.setLength(0); // the nested calls of a twin run the application does not get
            restore(args, shown);
            return fallback(st, owner, key, receiver, args, shown, e);
        } finally {
            if (t != null) {
                t.close();
            }
        }
        StringBuilder sb = st.held;
        line(sb, key, 0, shown, value, gradient, null, null);
        write(sb);
        return value;
    }

    /** The twin that a call on {@code c} runs, as the twin of the declaring class (never a nested-report wrapper). */
    private static MethodHandle twinOf(Class<?> c, String name, String desc) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            MethodHandle h = Twins.twin(k, name, desc);
            if (h != null) {
                return h;
            }
        }
        throw new IllegalStateException("Adjoint cannot instrument " + c.getName() + "#" + name + desc);
    }

    /** The arguments as they were at the call: double[] arguments copied (the method may write into them). */
    private static Object[] snapshot(Object[] args) {
        Object[] s = args.clone();
        for (int i = 0; i < s.length; i++) {
            if (s[i] instanceof double[] d) {
                s[i] = d.clone();
            }
        }
        return s;
    }

    private static void restore(Object[] args, Object[] shown) {
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof double[] d && shown[i] instanceof double[] s && d.length == s.length) {
                System.arraycopy(s, 0, d, 0, d.length);
            }
        }
    }

    /**
     * Runs the original method (its prologue steps aside while the thread is busy) and reports why there is
     * no gradient; what the original returns or throws is what the application gets.
     */
    private static double fallback(State st, Class<?> owner, String key, Object receiver, Object[] args,
                                   Object[] shown, Throwable why) throws Throwable {
        int hash = key.indexOf('#'), paren = key.indexOf('(');
        String name = key.substring(hash + 1, paren), desc = key.substring(paren);
        Class<?> c = receiver != null ? receiver.getClass() : owner;
        MethodHandles.Lookup l = MethodHandles.privateLookupIn(
                receiver != null ? declaring(c, name, desc) : c, MethodHandles.lookup());
        MethodType type = MethodType.fromMethodDescriptorString(desc, c.getClassLoader());
        MethodHandle m = receiver != null ? l.findVirtual(l.lookupClass(), name, type).bindTo(receiver)
                : l.findStatic(c, name, type);
        StringBuilder sb = st.held;
        double value;
        try {
            value = (double) m.invokeWithArguments(args);
        } catch (Throwable thrown) {
            line(sb, key, 0, shown, 0, null, null, thrown);
            write(sb);
            throw thrown;
        }
        line(sb, key, 0, shown, value, null, reason(why), null);
        write(sb);
        return value;
    }

    private static String reason(Throwable why) {
        return why instanceof io.adjoint.NotDifferentiableException && why.getMessage() != null
                ? why.getMessage() : AdjointAgent.why(why);
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

    // ---- nested reported calls ---------------------------------------------------------------------

    private static final MethodHandle NESTED;

    static {
        try {
            NESTED = MethodHandles.lookup().findVirtual(Nested.class, "invoke",
                    MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The twin of a report= method as twin code links it: when it runs inside a top-level reported call, it
     * reports itself as a nested call; anywhere else it is the plain twin.
     */
    public static MethodHandle nested(MethodHandle twin, Class<?> host, String name, String desc, boolean isStatic) {
        Nested n = new Nested(twin, host.getName() + "#" + name + desc, Type.getArgumentTypes(desc), isStatic ? 0 : 1);
        MethodType type = twin.type();
        return NESTED.bindTo(n).asCollector(Object[].class, type.parameterCount()).asType(type);
    }

    private static final class Nested {
        private final MethodHandle spread;
        private final String key;
        private final Type[] params;
        private final int offset;

        Nested(MethodHandle twin, String key, Type[] params, int offset) {
            int n = twin.type().parameterCount();
            this.spread = twin.asSpreader(Object[].class, n).asType(MethodType.methodType(Object.class, Object[].class));
            this.key = key;
            this.params = params;
            this.offset = offset;
        }

        @SuppressWarnings("unused")
        private Object invoke(Object[] a) throws Throwable {
            Tape t = (Tape) a[a.length - 1];
            State st = STATE.get();
            if (st.tape != t) {
                return (Object) spread.invokeExact(a);
            }
            // the call's arguments become nodes of their own (identity on active values), so that a partial
            // sweep from the result down to them gives this call's gradient and nothing of the enclosing one
            int mark = t.size();
            Object[] shown = new Object[params.length];
            long[] inputs = new long[count(a)];
            int k = 0;
            for (int i = 0; i < params.length; i++) {
                Object arg = a[offset + i];
                if (params[i].getSort() == Type.DOUBLE) {
                    long s = (Long) arg;
                    double v = t.primal(s);
                    shown[i] = v;
                    long n = identity(t, s, v);
                    a[offset + i] = n;
                    inputs[k++] = n;
                } else if (arg instanceof double[] d) {
                    shown[i] = d.clone();
                    for (int j = 0; j < d.length; j++) {
                        long s = Ops.daload(d, j, t);
                        long n = identity(t, s, d[j]);
                        Ops.dastore(d, j, n, t);
                        inputs[k++] = n;
                    }
                } else {
                    shown[i] = arg;
                }
            }
            int depth = ++st.depth;
            long r;
            try {
                r = (long) (Long) (Object) spread.invokeExact(a);
            } catch (Throwable e) {
                line(st.held, key, depth, shown, 0, null, null, e);
                hold(st);
                throw e;
            } finally {
                st.depth--;
            }
            line(st.held, key, depth, shown, t.primal(r), t.gradientSince(r, inputs, mark), null, null);
            hold(st);
            return r;
        }

        private int count(Object[] a) {
            int n = 0;
            for (int i = 0; i < params.length; i++) {
                if (params[i].getSort() == Type.DOUBLE) {
                    n++;
                } else if (a[offset + i] instanceof double[] d) {
                    n += d.length;
                }
            }
            return n;
        }

        private static long identity(Tape t, long slot, double v) {
            return Slot.isActive(slot) ? t.push1(v, slot, 1.0) : t.input(v);
        }
    }

    private static void hold(State st) {
        if (st.held.length() > HELD_MAX) {
            write(st.held);
        }
    }

    // ---- the report file ---------------------------------------------------------------------------

    private static void line(StringBuilder sb, String key, int depth, Object[] args, double value, double[] gradient,
                             String error, Throwable thrown) {
        sb.append("{\"method\":\"").append(key, 0, key.indexOf('(')).append("\",\"descriptor\":\"")
                .append(key.substring(key.indexOf('('))).append("\",\"thread\":\"")
                .append(escape(Thread.currentThread().getName())).append("\",\"depth\":").append(depth)
                .append(",\"args\":[");
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            json(sb, args[i]);
        }
        sb.append(']');
        if (thrown != null) {
            sb.append(",\"exception\":\"").append(escape(AdjointAgent.why(thrown))).append("\"}\n");
            return;
        }
        sb.append(",\"value\":");
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
    }

    /** Appends the lines in {@code sb} to the report in one write, and empties it. */
    private static void write(StringBuilder sb) {
        synchronized (ReportHook.class) {
            try {
                out.append(sb);
                out.flush();
            } catch (IOException e) {
                AdjointAgent.warn("cannot write the report: " + e.getMessage());
            }
        }
        sb.setLength(0);
    }

    private static void json(StringBuilder sb, Object a) {
        if (a instanceof Double d) {
            number(sb, d);
        } else if (a instanceof Float || a instanceof Number || a instanceof Boolean) {
            if (a instanceof Float f && !Float.isFinite(f)) {
                sb.append('"').append(a).append('"');
            } else {
                sb.append(a);
            }
        } else if (a instanceof Character c) {
            sb.append('"').append(escape(String.valueOf(c))).append('"');
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
            sb.append('"').append(escape(describe(a))).append('"');
        }
    }

    /** Other arguments by their class and identity: never the application's toString, which may do anything. */
    private static String describe(Object a) {
        if (a instanceof String s) {
            return s;
        }
        return a.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(a));
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
