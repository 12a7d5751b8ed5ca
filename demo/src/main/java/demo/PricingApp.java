package demo;

/** The demo application: prices a few options and a small book, and prints the results. */
public final class PricingApp {
    public static void main(String[] args) {
        double[][] cases = {
            {100, 100, 0.05, 0.20, 1.0},
            {110, 100, 0.03, 0.25, 0.5},
            {90, 100, 0.01, 0.30, 2.0},
        };
        for (double[] c : cases) {
            double p = Pricer.price(c[0], c[1], c[2], c[3], c[4]);
            System.out.printf("call S=%.0f K=%.0f r=%.2f sigma=%.2f T=%.1f  price=%.6f%n", c[0], c[1], c[2], c[3], c[4], p);
        }
        double value = Book.value(new double[] {98, 101, 103}, new double[] {95, 100, 105}, new double[] {10, -5, 20});
        System.out.printf("book value=%.6f%n", value);
    }
}
