package demo;

/** A book of calls on several underlyings. */
public final class Book {
    private Book() {
    }

    static final double RATE = 0.02, VOL = 0.22, MATURITY = 1.0;

    /** Value of the book; its gradient gives the deltas (spots), the strike sensitivities and the unit prices. */
    public static double value(double[] spots, double[] strikes, double[] quantities) {
        double total = 0;
        for (int i = 0; i < spots.length; i++) {
            total += quantities[i] * Pricer.price(spots[i], strikes[i], RATE, VOL, MATURITY);
        }
        return total;
    }
}
