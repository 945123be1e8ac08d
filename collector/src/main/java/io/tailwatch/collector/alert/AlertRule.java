package io.tailwatch.collector.alert;

import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.Figures;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A threshold on one column of a target's row, such as {@code p99 > 10ms for 30s}: the condition must
 * hold at every refresh for {@code forDuration} before the alert fires. The threshold is kept in the
 * column's own unit, so that it compares with the table's figures as printed.
 *
 * @param text      the rule as the user wrote it, normalised (it names the alert)
 * @param threshold in the column's unit (ms, %, req/s, KB/s, MB)
 */
public record AlertRule(String text, Column column, Comparison comparison, double threshold, Duration forDuration) {

    public enum Comparison {
        ABOVE(">"), AT_LEAST(">="), BELOW("<"), AT_MOST("<=");

        final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        boolean holds(double value, double threshold) {
            return switch (this) {
                case ABOVE -> value > threshold;
                case AT_LEAST -> value >= threshold;
                case BELOW -> value < threshold;
                case AT_MOST -> value <= threshold;
            };
        }

        static Comparison of(String symbol) {
            for (Comparison c : values()) {
                if (c.symbol.equals(symbol)) {
                    return c;
                }
            }
            throw new IllegalArgumentException(symbol);
        }
    }

    private static final Pattern RULE = Pattern.compile(
            "([a-z0-9_]+)\\s*(>=|<=|>|<)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-z%/µ]*)(?:\\s+for\\s+([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h))?");

    /** The names a rule may use for a column besides its CSV key, as the issue and the table headers spell them. */
    private static final Map<String, Column> ALIASES = Map.ofEntries(
            Map.entry("qps", Column.QPS),
            Map.entry("avg", Column.AVG_LATENCY),
            Map.entry("avg_latency", Column.AVG_LATENCY),
            Map.entry("p99", Column.P99_LATENCY),
            Map.entry("p99_latency", Column.P99_LATENCY),
            Map.entry("error_rate", Column.ERROR_RATE),
            Map.entry("errors", Column.ERROR_RATE),
            Map.entry("throughput", Column.THROUGHPUT),
            Map.entry("conn_setup", Column.CONN_SETUP),
            Map.entry("conn_reuse", Column.CONN_REUSE),
            Map.entry("reuse", Column.CONN_REUSE),
            Map.entry("memory", Column.MEMORY),
            Map.entry("rss", Column.MEMORY),
            Map.entry("cpu", Column.CPU),
            Map.entry("gc_pause_p99", Column.GC_PAUSE_P99),
            Map.entry("gc_pause_max", Column.GC_PAUSE_MAX),
            Map.entry("paused_requests", Column.PAUSED_REQUESTS));

    /**
     * Parses {@code METRIC OP NUMBER[UNIT] [for DURATION]}; throws IllegalArgumentException with a
     * one-line message naming what is wrong.
     */
    public static AlertRule parse(String rule) {
        String text = rule.strip().replaceAll("\\s+", " ");
        Matcher m = RULE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("alert rule '" + rule.strip() + "': expected METRIC OP VALUE [for DURATION],"
                    + " e.g. 'p99 > 10ms for 30s', 'error_rate > 1%', 'gc_pause_max > 200ms'");
        }
        Column column = column(m.group(1));
        if (column == null) {
            throw new IllegalArgumentException("alert rule '" + text + "': unknown metric '" + m.group(1) + "'; one of "
                    + String.join(", ", new java.util.TreeSet<>(ALIASES.keySet())) + " or a column key such as p99_latency_ms");
        }
        double threshold = inColumnUnit(text, column, Double.parseDouble(m.group(3)), m.group(4));
        Duration forDuration = Duration.ZERO;
        if (m.group(5) != null) {
            double amount = Double.parseDouble(m.group(5));
            double millis = switch (m.group(6)) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 1000;
            };
            forDuration = Duration.ofMillis(Math.round(millis));
        }
        return new AlertRule(text, column, Comparison.of(m.group(2)), threshold, forDuration);
    }

    private static Column column(String name) {
        Column byKey = Column.byKey(name);
        return byKey != null ? byKey : ALIASES.get(name);
    }

    /** Converts the rule's number to the column's unit; a unit that does not fit the column is an error, not a guess. */
    private static double inColumnUnit(String text, Column column, double value, String unit) {
        String key = column.key();
        if (unit.isEmpty()) {
            return value;
        }
        if (key.endsWith("_ms")) {
            switch (unit) {
                case "ms":
                    return value;
                case "s":
                    return value * 1000;
                case "us", "µs":
                    return value / 1000;
                default:
                    break;
            }
        } else if (key.endsWith("_pct") && unit.equals("%")) {
            return value;
        } else if (column == Column.MEMORY && (unit.equals("mb") || unit.equals("gb"))) {
            return unit.equals("gb") ? value * 1024 : value;
        } else if (column == Column.THROUGHPUT && unit.equals("kb/s")) {
            return value;
        } else if (column == Column.QPS && unit.equals("/s")) {
            return value;
        }
        throw new IllegalArgumentException("alert rule '" + text + "': '" + unit + "' is not a unit of " + key
                + " (its unit: " + unitOf(column) + ")");
    }

    private static String unitOf(Column column) {
        String key = column.key();
        if (key.endsWith("_ms")) {
            return "ms, s or us";
        }
        if (key.endsWith("_pct")) {
            return "%";
        }
        return switch (column) {
            case MEMORY -> "MB or GB";
            case THROUGHPUT -> "KB/s";
            default -> "requests per second, no unit";
        };
    }

    /** Whether the row's figure meets the condition; a missing figure (NaN) never does. */
    public boolean holds(Figures figures) {
        double value = figures.get(column);
        return !Double.isNaN(value) && comparison.holds(value, threshold);
    }

    /** The figure with the column's unit, as alerts report it. */
    public String describe(double value) {
        String key = column.key();
        String unit = key.endsWith("_ms") ? " ms" : key.endsWith("_pct") ? " %" : column == Column.MEMORY ? " MB"
                : column == Column.THROUGHPUT ? " KB/s" : " req/s";
        return column.format(value) + unit;
    }

    @Override
    public String toString() {
        return text;
    }
}
