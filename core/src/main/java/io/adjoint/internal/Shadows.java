package io.adjoint.internal;

import java.util.Arrays;

/**
 * Per-recording shadow memory. The primal memory (the real {@code double[]} elements and fields) stays
 * true, so code Adjoint cannot see reads correct values; beside it this holds the active slot last
 * stored at each place by twin code. Scoped to one recording, so it needs no weak references: the
 * tape's {@link Tape#close()} drops everything.
 */
final class Shadows {
    /** The recording these shadows belong to: its {@code unwrittenBase} follows the marker (read by Ops.daload). */
    private final Tape tape;

    // double[] -> long[] of slots (0 = nothing active stored there), identity-keyed, open addressing.
    private Object[] arrayKeys = new Object[64];
    private long[][] arrayShadows = new long[64][];
    private int arrayCount;
    // The first array given a shadow in a recording (for a gradient: the seeded input) is kept apart and found
    // by one comparison, without hashing it: see arrayShadow.
    private Object pinned;
    private long[] pinnedShadow;
    /**
     * Stands for the shadow of a large private input copy ({@link Tape#privateInput}) until something needs a real
     * one: element i then still holds the input node it was seeded with, the tape's {@code unwrittenBase} + i, so
     * seeding writes no slots and element reads compute the slot instead of loading it (Ops.daload). At 10^5 inputs and
     * more, writing those 8 bytes per element and reading them back was a tenth of a gradient's memory traffic. Only
     * the element sites of twin code are given it ({@link #arrayShadow(Object, int)}), and their DALOAD and DASTORE know
     * it; every other reader of the input's shadow gets a real one, made then ({@link #materializeInput}), which from
     * then on is the input's shadow for every reader (a site still holding this marker is sent there by
     * Ops.daload/dastore). Reads through the marker skip the freshness check: it stands only for an input that is
     * still private (Tape.privateInput; the trust ending makes the real shadow, Tape.handedOut), whose elements only
     * twin code and Adjoint's rules wrote. Reads of the real shadow made from it are checked (simpler, and it is made
     * only for inputs the function writes, copies or hands out).
     */
    static final long[] UNWRITTEN_INPUT = new long[0];
    // The pinned shadow of the last recording, kept for the next one's input (see seedShadow): gradient calls
    // on inputs of one length allocate no shadow. Only this Shadows (one tape, one thread) ever refers to it.
    private long[] spare;
    private static final int SPARE_KEPT = 1 << 20; // entries (8 MB); larger shadows are left to the GC
    /**
     * Changes whenever the map from arrays to shadows changes (a shadow created, the recording's shadows cleared),
     * never otherwise, and is never 0 nor reused: twin code caches an array's lookup per element site in locals, and
     * believes a cached null only while this is unchanged (see Ops.arrayShadow). A cached shadow needs no such check:
     * an array's shadow, once made, is never replaced during the recording (putArray refuses to), and a twin
     * activation belongs to one recording.
     */
    long generation = 1;

    Shadows(Tape tape) {
        this.tape = tape;
    }

    /*
     * Site tables: per shadow cache of twin code (an id given when the twin is generated, see newSite), the array the
     * site last looked up in this recording, its shadow (or null) and the generation then. Twin code keeps a cache in
     * its locals for the elements of one activation; this carries it across calls, so that a short loop in a method
     * called thousands of times (GMM's subtract at d = 2) finds its arrays' shadows without hashing them again. Exact
     * for the same reasons as the caches in locals: a shadow is believed as it is (never replaced during a recording),
     * a null only while the generation is unchanged. Written only on a miss; every entry is dropped when the recording
     * ends, so the table never keeps the program's arrays alive nor shows one recording's shadows to the next.
     */
    private static final java.util.concurrent.atomic.AtomicInteger SITES = new java.util.concurrent.atomic.AtomicInteger();
    /** Sites with an id at or above this keep the plain lookup: a table never grows past 2^14 entries (256 kB). */
    static final int MAX_SITES = 1 << 14;
    private Object[] siteArrays = new Object[0];
    private long[][] siteShadows = new long[0][];
    private long[] siteGenerations = new long[0];
    // the sites written in this recording (each once), so that clear() empties only those
    private int[] sitesUsed = new int[16];
    private int sitesUsedCount;

    // (object, field id) -> active slot; static fields use STATICS as the object.
    static final Object STATICS = new Object();
    private Object[] fieldObjects = new Object[64];
    private int[] fieldIds = new int[64];
    private long[] fieldSlots = new long[64];
    private int fieldCount;

    /** Set when the bits of an active double were taken (Double.doubleToRawLongBits and friends). */
    boolean bitsTaken;
    /** Set when an active value was turned into text (printing, concatenation): parsing text back is refused. */
    boolean textTaken;

    // active floats: a float cannot hold a node index, so it holds a handle into this table of slots
    private long[] floatSlots = new long[64];
    private int floats = 1; // handle 0 would be +infinity's bits

    int floatHandle(long slot) {
        if (floats == floatSlots.length) {
            if (floats == FloatOps.MAX_HANDLES) {
                throw new io.adjoint.NotDifferentiableException("more than " + (FloatOps.MAX_HANDLES - 1)
                        + " active float values in one recording: use double");
            }
            floatSlots = Arrays.copyOf(floatSlots, Math.min(floats * 2, FloatOps.MAX_HANDLES));
        }
        floatSlots[floats] = slot;
        return floats++;
    }

    long floatSlot(int handle) {
        if (handle >= floats) {
            throw new io.adjoint.NotDifferentiableException("an active float outlived the recording that made it");
        }
        return floatSlots[handle];
    }

    private int[] deferredIds = new int[4];
    private long[] deferredSlots = new long[4];
    private int deferred;

    void defer(int fieldId, long slot) {
        if (deferred == deferredIds.length) {
            deferredIds = Arrays.copyOf(deferredIds, deferred * 2);
            deferredSlots = Arrays.copyOf(deferredSlots, deferred * 2);
        }
        deferredIds[deferred] = fieldId;
        deferredSlots[deferred++] = slot;
    }

    /** The last slot deferred for {@code fieldId}, or 0 when none; every entry for that field is taken out. */
    long takeDeferred(int fieldId) {
        long slot = 0;
        int kept = 0;
        for (int i = 0; i < deferred; i++) {
            if (deferredIds[i] == fieldId) {
                slot = deferredSlots[i];
            } else {
                deferredIds[kept] = deferredIds[i];
                deferredSlots[kept++] = deferredSlots[i];
            }
        }
        deferred = kept;
        return slot;
    }

    void flushDeferred(Object self) {
        for (int i = 0; i < deferred; i++) {
            putField(self, deferredIds[i], deferredSlots[i]);
        }
        deferred = 0;
    }

    void clear() {
        generation++;
        floats = 1;
        bitsTaken = false;
        textTaken = false;
        deferred = 0;
        if (arrayCount > 0) {
            Arrays.fill(arrayKeys, null);
            Arrays.fill(arrayShadows, null);
            arrayCount = 0;
        }
        if (pinnedShadow != null && pinnedShadow != UNWRITTEN_INPUT && pinnedShadow.length <= SPARE_KEPT) {
            spare = pinnedShadow;
        }
        pinned = null;
        pinnedShadow = null;
        tape.unwrittenBase = -1;
        for (int i = 0; i < sitesUsedCount; i++) {
            siteArrays[sitesUsed[i]] = null;
            siteShadows[sitesUsed[i]] = null;
        }
        sitesUsedCount = 0;
        if (fieldCount > 0) {
            Arrays.fill(fieldObjects, null);
            fieldCount = 0;
        }
    }

    /** The pinned array (see arrayShadow), or null. */
    Object pinned() {
        return pinned;
    }

    boolean isEmpty() {
        return pinned == null && arrayCount == 0 && fieldCount == 0;
    }

    // ---- arrays ----------------------------------------------------------------------------------

    /**
     * The shadow of {@code array}, or null when nothing active was ever stored in it. Called on every array
     * read of twin code, so it writes nothing: no cache to update (a reference store costs a GC barrier), one
     * comparison for the pinned array, else one hash and usually one probe. Loops alternating between several
     * arrays (x[i] - y[i]) pay the same as loops over one.
     */
    long[] arrayShadow(Object array) {
        if (array == pinned) {
            long[] s = pinnedShadow;
            return s != UNWRITTEN_INPUT ? s : materializeInput();
        }
        if (arrayCount == 0) {
            return null;
        }
        Object[] keys = arrayKeys;
        int i = System.identityHashCode(array) & (keys.length - 1);
        Object k = keys[i];
        if (k == array) {
            return arrayShadows[i];
        }
        return k == null ? null : probe(array, i);
    }

    /**
     * A new site id for {@link #arrayShadow(Object, int)}, taken once per cache when its twin is generated; past
     * {@link #MAX_SITES} every site gets MAX_SITES, which always takes the plain lookup.
     */
    static int newSite() {
        int id = SITES.getAndIncrement();
        return id >= 0 && id < MAX_SITES ? id : MAX_SITES;
    }

    /**
     * {@link #arrayShadow(Object)} through the table of {@code site} (an id from {@link #newSite}): when the site
     * looked up the same array before in this recording, its answer then is still right if it was a shadow, and if it
     * was null while no array got a shadow since (the generation).
     */
    long[] arrayShadow(Object array, int site) {
        Object[] arrays = siteArrays;
        if (site < arrays.length && arrays[site] == array) {
            long[] s = siteShadows[site];
            if (s != null || siteGenerations[site] == generation) {
                return s;
            }
        }
        return siteMiss(array, site);
    }

    private long[] siteMiss(Object array, int site) {
        long[] s = array == pinned ? pinnedShadow : arrayShadow(array); // element sites take UNWRITTEN_INPUT as it is
        if (site >= siteArrays.length) {
            if (site >= MAX_SITES) {
                return s;
            }
            int n = Math.min(MAX_SITES, Math.max(64, Integer.highestOneBit(site) * 2));
            siteArrays = Arrays.copyOf(siteArrays, n);
            siteShadows = Arrays.copyOf(siteShadows, n);
            siteGenerations = Arrays.copyOf(siteGenerations, n);
        }
        if (siteArrays[site] == null) {
            if (sitesUsedCount == sitesUsed.length) {
                sitesUsed = Arrays.copyOf(sitesUsed, sitesUsedCount * 2);
            }
            sitesUsed[sitesUsedCount++] = site;
        }
        siteArrays[site] = array;
        siteShadows[site] = s;
        siteGenerations[site] = generation;
        return s;
    }

    /** How many sites hold an array now (for tests: none once the recording ended). */
    int sitesHeld() {
        int n = 0;
        for (Object a : siteArrays) {
            n += a != null ? 1 : 0;
        }
        return n;
    }

    /** The rest of a probe whose first place {@code i} held another array (kept out of the inlined path). */
    private long[] probe(Object array, int i) {
        Object[] keys = arrayKeys;
        int mask = keys.length - 1;
        for (i = (i + 1) & mask; ; i = (i + 1) & mask) {
            Object k = keys[i];
            if (k == array) {
                return arrayShadows[i];
            }
            if (k == null) {
                return null;
            }
        }
    }

    /** The shadow of {@code array}, created (all passive) if absent. */
    long[] arrayShadowForWrite(Object array, int length) {
        long[] s = arrayShadow(array);
        return s != null ? s : newShadow(array, length);
    }

    /**
     * The shadow of {@code array} for {@link Ops#seed}, which writes every element of it: when {@code array} is
     * the recording's first, the previous recording's pinned shadow is reused if it has the same length, with
     * its old contents (stale slots of another recording) still in it until the caller overwrites them all.
     */
    long[] seedShadow(Object array, int length) {
        long[] s = arrayShadow(array);
        if (s != null) {
            return s;
        }
        if (pinned == null && spare != null && spare.length == length) {
            generation++;
            s = spare;
            spare = null;
            pinned = array;
            pinnedShadow = s;
            return s;
        }
        return newShadow(array, length);
    }

    /**
     * Pins {@code input}, the first array of the recording, with the shadow {@link #UNWRITTEN_INPUT}: its element i is
     * node {@code base + i}. False, and nothing done, when the recording has pinned an array already.
     */
    boolean pinUnwrittenInput(double[] input, int base) {
        if (pinned != null) {
            return false;
        }
        generation++;
        pinned = input;
        pinnedShadow = UNWRITTEN_INPUT;
        tape.unwrittenBase = base;
        return true;
    }

    /** The pinned array's shadow, after the tape's {@code unwrittenBase} became -1: the real one (for Ops.daload). */
    long[] inputShadow() {
        return pinnedShadow;
    }

    /**
     * The real shadow of the pinned input, made now if it is still {@link #UNWRITTEN_INPUT}: slot {@code base + i}
     * in element i (the previous recording's pinned shadow is reused when it has the same length). Not a replacement
     * in the sense of {@link #putArray}: a site that cached the marker is sent here.
     */
    long[] materializeInput() {
        long[] s = pinnedShadow;
        if (s != UNWRITTEN_INPUT) {
            return s;
        }
        int n = ((double[]) pinned).length, base = tape.unwrittenBase;
        if (spare != null && spare.length == n) {
            s = spare;
            spare = null;
        } else {
            s = new long[n];
        }
        for (int i = 0; i < n; i++) {
            s[i] = Slot.active(base + i);
        }
        pinnedShadow = s;
        tape.unwrittenBase = -1;
        return s;
    }

    private long[] newShadow(Object array, int length) {
        long[] s = new long[length];
        putArray(array, s);
        return s;
    }

    /**
     * Installs {@code shadow} as the shadow of {@code array}, which has none. The first array of a recording is pinned
     * rather than hashed: a fresh array (the input copy) has no identity hash yet, and installing one is a slow call
     * into the VM. A shadow is never replaced: twin code keeps the shadows it found in locals without checking again.
     */
    void putArray(Object array, long[] shadow) {
        if (array == pinned) {
            throw replaced();
        }
        generation++;
        if (pinned == null) {
            pinned = array;
            pinnedShadow = shadow;
            return;
        }
        if (2 * (arrayCount + 1) > arrayKeys.length) {
            rehashArrays();
        }
        Object[] keys = arrayKeys;
        int mask = keys.length - 1;
        int i = System.identityHashCode(array) & mask;
        while (keys[i] != null) {
            if (keys[i] == array) {
                throw replaced();
            }
            i = (i + 1) & mask;
        }
        arrayCount++;
        keys[i] = array;
        arrayShadows[i] = shadow;
    }

    private static IllegalStateException replaced() {
        return new IllegalStateException("internal error: the shadow of an array was about to be replaced during a "
                + "recording (twin code keeps shadows it found; every path that gives an array a shadow checks first)");
    }

    private void rehashArrays() {
        Object[] oldKeys = arrayKeys;
        long[][] oldShadows = arrayShadows;
        arrayKeys = new Object[oldKeys.length * 2];
        arrayShadows = new long[oldKeys.length * 2][];
        arrayCount = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                putArray(oldKeys[i], oldShadows[i]);
            }
        }
    }

    // ---- fields ----------------------------------------------------------------------------------

    /** The slot stored in field {@code fieldId} of {@code owner}, or 0 when none. */
    long field(Object owner, int fieldId) {
        if (fieldCount == 0) {
            return 0;
        }
        int mask = fieldObjects.length - 1;
        for (int i = fieldHash(owner, fieldId) & mask; ; i = (i + 1) & mask) {
            Object k = fieldObjects[i];
            if (k == null) {
                return 0;
            }
            if (k == owner && fieldIds[i] == fieldId) {
                return fieldSlots[i];
            }
        }
    }

    /**
     * The slot this recording stored for element {@code i} of another recording's shadow array (a nested recording
     * writing an object of the recording around it, see Ops.shadowPut), or 0: the array itself is the key.
     */
    long nestedField(long[] shadow, int i) {
        return fieldCount == 0 ? 0 : field(shadow, i);
    }

    void putField(Object owner, int fieldId, long slot) {
        if (2 * (fieldCount + 1) > fieldObjects.length) {
            rehashFields();
        }
        int mask = fieldObjects.length - 1;
        int i = fieldHash(owner, fieldId) & mask;
        while (fieldObjects[i] != null && !(fieldObjects[i] == owner && fieldIds[i] == fieldId)) {
            i = (i + 1) & mask;
        }
        if (fieldObjects[i] == null) {
            fieldCount++;
        }
        fieldObjects[i] = owner;
        fieldIds[i] = fieldId;
        fieldSlots[i] = slot;
    }

    private static int fieldHash(Object owner, int fieldId) {
        return System.identityHashCode(owner) * 31 + fieldId * 0x9E3779B9;
    }

    private void rehashFields() {
        Object[] oldObjects = fieldObjects;
        int[] oldIds = fieldIds;
        long[] oldSlots = fieldSlots;
        fieldObjects = new Object[oldObjects.length * 2];
        fieldIds = new int[oldObjects.length * 2];
        fieldSlots = new long[oldObjects.length * 2];
        fieldCount = 0;
        for (int i = 0; i < oldObjects.length; i++) {
            if (oldObjects[i] != null) {
                putField(oldObjects[i], oldIds[i], oldSlots[i]);
            }
        }
    }
}
