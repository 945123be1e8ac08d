package io.tailwatch.agent.export;

/**
 * The buckets of one exported histogram: bounds as recorded (nanoseconds, bytes, counts) and their
 * {@code le} label values, spelled once at start rather than at every scrape.
 */
final class BucketLayout {
    final long[] raw;
    final String[] le;

    /**
     * @param bounds     upper bounds in the exported unit (seconds, bytes), ascending
     * @param rawPerUnit recorded units per exported unit (1e9 for seconds recorded in nanoseconds)
     */
    BucketLayout(double[] bounds, double rawPerUnit) {
        raw = new long[bounds.length];
        le = new String[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            raw[i] = Math.round(bounds[i] * rawPerUnit);
            le[i] = formatNumber(bounds[i]);
        }
        le[bounds.length] = "+Inf";
    }

    /**
     * A label value such as {@code le} or {@code quantile}, spelled as Prometheus' Go client spells
     * it ({@code 0.0001}, {@code 1}, {@code 2.5}), so that selectors in dashboards match.
     */
    static String formatNumber(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
