package io.adjoint.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;
import java.util.IdentityHashMap;

/**
 * Entering twin code from code that is not a twin (engine notes, section 3).
 *
 * <p>While a recording is open, uninstrumented code (the JDK, a lambda proxy, reflection) may call back
 * into the application's methods. Each such method carries a tiny prologue:
 * {@code if (Entry.ANY != 0 && Entry.here()) ...run my twin...}. {@link #ANY} is 0 whenever no thread records,
 * so the host application pays one static field read per call.
 *
 * <p>A twin that calls uninstrumented code (a {@code Boundary}) first leaves a {@link Frame} here with the
 * slots of the arguments it passes; the method entered next takes them back where the primal values still
 * match (otherwise the argument is passive), and hands its result slot back through the same frame. A result
 * slot that nobody awaits would lose its derivative: that is refused loudly by the entering side.
 */
public final class Entry {
    private Entry() {
    }

    /**
     * How many recordings are open over all threads: nonzero exactly while some thread records. Read by every
     * prologue ({@code Entry.ANY != 0}, through {@link #ANY_CHECK} in class files of Java 7 or later): keep it a
     * plain static field. Changed only by atomic adds ({@link #opened}, {@link #closed}), so a thread that
     * records sees it nonzero from its own increment to its own decrement: another thread's decrement cannot
     * take back an increment it did not make (each add acts on the latest value), and the adds are volatile
     * accesses, so every earlier value happens-before the thread's own increment and its plain reads cannot see
     * one of them. One atomic add per open and
     * per close, no other fence: a boolean flag beside a count needed a volatile write at each end (and a
     * closer turning it off while another thread opened had to re-read the count and turn it back on, leaving
     * a moment where the flag was false during the other's recording).
     */
    public static int ANY;

    /**
     * What prologues of class files of Java 7 or later test instead of {@link #ANY}: {@code ANY_CHECK.invokeExact()}.
     * Until the first recording of this JVM its target is the constant false, which the JIT folds: a
     * prologue then costs nothing at all in compiled code. The first recording switches it, once and for
     * good, to {@code ANY != 0} (switching back and forth would deoptimize the application's code at
     * every recording).
     */
    public static final MutableCallSite ANY_SITE = new MutableCallSite(MethodHandles.constant(boolean.class, false));
    public static final MethodHandle ANY_CHECK = ANY_SITE.dynamicInvoker();
    private static volatile boolean anySwitched;
    private static final java.lang.invoke.VarHandle ANY_FIELD;
    private static final Object LOCK = new Object();

    static {
        try {
            ANY_FIELD = MethodHandles.lookup().findStaticVarHandle(Entry.class, "ANY", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How many recordings are open over all threads (tests). */
    static int recordings() {
        return (int) ANY_FIELD.getVolatile();
    }

    /** The slots a boundary call passes to uninstrumented code, and the result slot coming back. */
    public static final class Frame {
        /**
         * Slots aligned with the entered method's parameters from the last one backwards (0 = none); for a constructor
         * call, the constructor's parameters in order (the first {@code count}: a pooled frame's array may be longer).
         */
        public long[] slots;
        /** Whether the boundary wants a double result slot back. */
        public final boolean awaitsResult;
        public long result;
        public boolean resultSet;
        /** For a constructor call: "owner.<init>desc" of the constructor meant; null for other calls. */
        String constructor;
        /** For a constructor call: the recording of the twin code that calls it (the twin branch records there). */
        public Tape tape;
        boolean taken;
        /** For a pooled constructor frame ({@link #constructorCall}): the frame it replaced, its slot count. */
        Frame previous;
        int count;

        public Frame(long[] slots, boolean awaitsResult) {
            this(slots, awaitsResult, null, null);
        }

        Frame(long[] slots, boolean awaitsResult, String constructor, Tape tape) {
            this.slots = slots;
            this.awaitsResult = awaitsResult;
            this.constructor = constructor;
            this.tape = tape;
            this.count = slots.length;
        }
    }

    /** This thread's entry state (a tape keeps it, so that closing a recording needs no thread-local lookup). */
    static State state() {
        return STATE.get();
    }

    static final class State {
        Frame frame;
        /** True while a rule runs a library method's own code for its value: that run is plain Java. */
        boolean suspended;
        final IdentityHashMap<Object, long[]> captures = new IdentityHashMap<>();
        Tape capturesTape;
    }

    private static final ThreadLocal<State> STATE = new ThreadLocal<>() { // not a lambda: cheaper at start-up
        @Override
        protected State initialValue() {
            return new State();
        }
    };

    /** Counts a recording in {@link #ANY} (an atomic add: the only fence of opening one). */
    static void opened() {
        ANY_FIELD.getAndAdd(1);
        if (!anySwitched) {
            switchOn();
        }
    }

    /** The first recording of the JVM: prologues start testing {@link #ANY} (once and for good). */
    private static void switchOn() {
        synchronized (LOCK) {
            if (!anySwitched) {
                try {
                    MethodHandles.Lookup lookup = MethodHandles.lookup();
                    ANY_SITE.setTarget(MethodHandles.filterReturnValue(
                            lookup.findStaticGetter(Entry.class, "ANY", int.class),
                            lookup.findStatic(Entry.class, "nonZero",
                                    java.lang.invoke.MethodType.methodType(boolean.class, int.class))));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                MutableCallSite.syncAll(new MutableCallSite[] {ANY_SITE});
                anySwitched = true;
            }
        }
    }

    private static boolean nonZero(int count) {
        return count != 0;
    }

    /**
     * Gives back this recording's count of {@link #ANY}: an atomic add, so it takes back exactly this recording's
     * increment and never another's (no re-check needed), and drops the thread's pending entry state.
     */
    static void closed(Tape t) {
        ANY_FIELD.getAndAdd(-1);
        State s = t.entryState;
        if (s.capturesTape == t) {
            s.captures.clear();
            s.capturesTape = null;
        }
        s.frame = null;
    }

    /** The prologue's second test: this thread records, and is not inside a rule's primal ({@link #suspend}). */
    public static boolean here() {
        return Tape.current() != null && !STATE.get().suspended;
    }

    /**
     * From here until {@link #resume}, methods of the application run as they are (their prologues do not enter
     * twins): for a rule computing its value with the library's own method (FastMath.sin under the sin rule, a
     * user rule's method), whose derivative the rule gives. Entering the twin there would record nothing useful
     * and could refuse loudly what the rule exists to handle (FastMath.abs is a bit trick). Returns the state
     * to restore.
     */
    public static boolean suspend() {
        State s = STATE.get();
        boolean previous = s.suspended;
        s.suspended = true;
        return previous;
    }

    public static void resume(boolean previous) {
        STATE.get().suspended = previous;
    }

    /** Whether prologues must leave this thread's calls alone (see {@link #suspend}). */
    public static boolean suspended() {
        return STATE.get().suspended;
    }

    /** Installs {@code f} for the next entered method; returns the frame to restore afterwards. */
    public static Frame enter(Frame f) {
        State s = STATE.get();
        Frame prev = s.frame;
        s.frame = f;
        return prev;
    }

    public static void leave(Frame prev) {
        STATE.get().frame = prev;
    }

    /** The pending frame for the method being entered, once; null if none or already taken. */
    public static Frame take() {
        Frame f = STATE.get().frame;
        if (f == null || f.taken || f.constructor != null) { // a constructor's frame is for its twin branch only
            return null;
        }
        f.taken = true;
        return f;
    }

    // ---- constructors: twin code calls the real constructor with primal values and leaves the slots here;
    //      the constructor's twin branch (added by the agent) takes them back.

    /**
     * Called by twin code just before {@code invokespecial constructor}; returns the frame to restore. The tape
     * gives the thread's entry state: no thread-local lookup.
     */
    public static Frame toConstructor(long[] slots, String constructor, Tape t) {
        State s = t.entryState;
        Frame prev = s.frame;
        s.frame = new Frame(slots, false, constructor, t);
        return prev;
    }

    /** Called after the constructor returned (reflection): an active argument nobody took is refused. */
    public static void constructed(Frame previous, Tape t) {
        State s = t.entryState;
        Frame f = s.frame;
        s.frame = previous;
        if (f != null && !f.taken) {
            refuseActive(f);
        }
    }

    private static void refuseActive(Frame f) {
        for (int i = 0; i < f.count; i++) {
            if (Slot.isActive(f.slots[i])) {
                throw new io.adjoint.NotDifferentiableException("Adjoint cannot differentiate through the "
                        + "constructor " + f.constructor + ": it runs uninstrumented (its class could not be "
                        + "transformed) and receives an active double");
            }
        }
    }

    /**
     * Called by twin code just before {@code invokespecial constructor}: a frame of the tape's pool (nothing
     * allocated), its first {@code count} slots zeroed, installed for the constructor; twin code then stores the
     * slots of the double arguments in it. Pair with {@link #constructorReturned}.
     */
    public static Frame constructorCall(int count, String constructor, Tape t) {
        Frame f = t.constructorFrame(count);
        f.constructor = constructor;
        f.tape = t;
        f.taken = false;
        f.count = count;
        State s = t.entryState;
        f.previous = s.frame;
        s.frame = f;
        return f;
    }

    /** Called by twin code after the constructor returned: an active argument nobody took is refused. */
    public static void constructorReturned(Frame f, Tape t) {
        t.entryState.frame = f.previous;
        f.previous = null;
        t.constructorFrameReleased();
        if (!f.taken) {
            refuseActive(f);
        }
    }

    /**
     * The constructor's twin branch asks for its frame (one thread-local lookup): non-null only if its caller was
     * twin code, which left a frame naming this constructor; the frame carries the slots and the tape. A recording
     * closing drops its pending frame ({@link #closed}), so a frame found here belongs to an open recording.
     */
    public static Frame constructorFrame(String constructor) {
        Frame f = STATE.get().frame;
        if (f == null || f.taken || f.tape == null || !constructor.equals(f.constructor)) {
            return null;
        }
        f.taken = true;
        return f;
    }

    /**
     * The start of a twin constructor (a constructor's twin, which twin code calls with the frame of
     * {@link #constructorCall} as last argument): the frame is taken, as a twin branch would have taken it.
     */
    public static Frame twinConstructorEntered(Frame f) {
        f.taken = true;
        return f;
    }

    /** Remembers the slots of the doubles a lambda created in twin code captured (0 where not a double). */
    public static void recordCaptures(Object lambda, long[] slots, Tape t) {
        State s = STATE.get();
        if (s.capturesTape != t) {
            s.captures.clear();
            s.capturesTape = t;
        }
        s.captures.put(lambda, slots);
    }

    /** The captured slots of a lambda made in this recording's twin code, or null. */
    public static long[] capturesOf(Object lambda, Tape t) {
        State s = STATE.get();
        return s.capturesTape == t ? s.captures.get(lambda) : null;
    }
}
