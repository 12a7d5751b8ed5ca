package io.adjoint.internal;

/**
 * The 64-bit slot that carries a double inside twin code (NaN-boxing).
 *
 * <p>A <b>passive</b> slot is the raw bits of the double itself: constants and data cost nothing.
 * An <b>active</b> slot is a positive signalling NaN whose payload is a tape node index. Hardware
 * arithmetic never produces signalling NaNs, so a colliding pattern can only enter through a raw
 * load (array element, field, opaque call result); those paths call {@link #passive(double)}, which
 * canonicalises such a NaN to the ordinary quiet NaN.
 *
 * <pre>
 *  bit 63   62..52 (exponent)  51 (quiet)  50   49..0
 *   0       all ones            0           1    node index
 * </pre>
 */
public final class Slot {
    private Slot() {
    }

    /** The 14 high bits of every active slot. */
    static final long TAG = 0x7FF4_0000_0000_0000L;
    private static final int TAG_HIGH = (int) (TAG >>> 50);
    private static final long INDEX_MASK = (1L << 50) - 1;
    private static final long CANONICAL_NAN = 0x7FF8_0000_0000_0000L;

    public static boolean isActive(long slot) {
        return (int) (slot >>> 50) == TAG_HIGH;
    }

    public static boolean isPassive(long slot) {
        return (int) (slot >>> 50) != TAG_HIGH;
    }

    static long active(int node) {
        return TAG | node;
    }

    static int node(long activeSlot) {
        return (int) (activeSlot & INDEX_MASK);
    }

    /** A passive slot holding {@code v}; a NaN that would read as active becomes the canonical NaN. */
    public static long passive(double v) {
        long bits = Double.doubleToRawLongBits(v);
        return isActive(bits) ? CANONICAL_NAN : bits;
    }

    /** The double held by a passive slot. */
    public static double value(long passiveSlot) {
        return Double.longBitsToDouble(passiveSlot);
    }
}
