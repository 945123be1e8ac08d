package io.tailwatch.collector.baseline;

import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.Figures;
import io.tailwatch.collector.table.TargetRow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The table as printed: the live rows placed among the reference rows of a scenario (and the
 * user's baseline rows), each value ranked within its column.
 *
 * @param scenario null when no scenario was chosen: then the live rows alone, with every column
 */
public record RankedTable(Scenario scenario, List<Column> columns, List<Entry> entries) {

    public enum Kind { LIVE, REFERENCE, BASELINE }

    /**
     * One row. {@code live} is the target's reading for live rows, null otherwise; {@code ranks} maps
     * a column to "rank/rows with a value in that column", absent where the row has no value or the
     * table nothing to rank against.
     */
    public record Entry(String name, Kind kind, Figures figures, Map<Column, String> ranks, TargetRow live) {
    }

    public RankedTable {
        columns = List.copyOf(columns);
        entries = List.copyOf(entries);
    }

    public static RankedTable build(Scenario scenario, List<BaselineTable> baselines, List<TargetRow> live) {
        List<Column> columns = scenario == null ? List.of(Column.values()) : BaselineTable.reference(scenario).columns();
        List<Entry> entries = new ArrayList<>();
        if (scenario != null) {
            for (BaselineTable.Row row : BaselineTable.reference(scenario).rows()) {
                entries.add(new Entry(row.name(), Kind.REFERENCE, row.figures(), Map.of(), null));
            }
        }
        for (BaselineTable table : baselines) {
            for (BaselineTable.Row row : table.rows()) {
                entries.add(new Entry(row.name(), Kind.BASELINE, row.figures(), Map.of(), null));
            }
        }
        for (TargetRow row : live) {
            entries.add(new Entry(row.target(), Kind.LIVE, row.figures(), Map.of(), row));
        }
        boolean rank = entries.stream().anyMatch(e -> e.kind() != Kind.LIVE);
        List<Entry> ranked = rank ? rank(columns, entries) : entries;
        if (rank) {
            // Placed by the first column (QPS in every reference table), as the study orders its rows.
            Column first = columns.get(0);
            Comparator<Entry> byFirst = Comparator.comparingDouble(e -> sortKey(first, e.figures().get(first)));
            ranked = ranked.stream().sorted(byFirst).toList();
        }
        return new RankedTable(scenario, columns, ranked);
    }

    /**
     * Ranks every value in its column: 1 + the rows strictly better, so equal values share a rank,
     * out of the rows with a value in that column.
     */
    static List<Entry> rank(List<Column> columns, List<Entry> entries) {
        List<Map<Column, String>> ranks = new ArrayList<>();
        entries.forEach(e -> ranks.add(new EnumMap<>(Column.class)));
        for (Column column : columns) {
            List<Double> values = entries.stream().map(e -> e.figures().get(column)).filter(v -> !Double.isNaN(v)).toList();
            for (int i = 0; i < entries.size(); i++) {
                double value = entries.get(i).figures().get(column);
                if (Double.isNaN(value)) {
                    continue;
                }
                long better = values.stream().filter(other -> column.isBetter(other, value)).count();
                ranks.get(i).put(column, (better + 1) + "/" + values.size());
            }
        }
        List<Entry> ranked = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            ranked.add(new Entry(e.name(), e.kind(), e.figures(), Map.copyOf(ranks.get(i)), e.live()));
        }
        return ranked;
    }

    /** Best first; rows without a value last. */
    private static double sortKey(Column column, double value) {
        if (Double.isNaN(value)) {
            return Double.POSITIVE_INFINITY;
        }
        return column.better() == Column.Better.HIGHER ? -value : value;
    }
}
