package fr.liaison.bench.suite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The measured rounds of one figure: the median and the spread (lowest, highest) of their values. */
record Rounds(List<Double> values) {

    Rounds {
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no rounds");
        }
    }

    static Rounds of(double... values) {
        List<Double> list = new ArrayList<>();
        for (double value : values) {
            list.add(value);
        }
        return new Rounds(list);
    }

    double median() {
        return percentile(sorted(), 50);
    }

    double min() {
        return sorted()[0];
    }

    double max() {
        double[] sorted = sorted();
        return sorted[sorted.length - 1];
    }

    /** "median (min-max)", rounded to what the spread makes meaningful. */
    String describe() {
        return String.format(Locale.ROOT, "%s (%s-%s)", number(median()), number(min()), number(max()));
    }

    private double[] sorted() {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        if (percent == 50 && sorted.length % 2 == 0) {
            return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (Math.abs(value) >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
