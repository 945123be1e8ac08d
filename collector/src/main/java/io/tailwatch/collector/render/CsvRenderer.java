package io.tailwatch.collector.render;

import io.tailwatch.collector.baseline.RankedTable;
import io.tailwatch.collector.table.Column;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference tables' own CSV format ({@code framework,qps,...}), so that a service's row saved
 * with {@code table --once --format csv} is a baseline file for {@code --baseline}. Ranks, when the
 * table has them, follow as {@code <column>_rank} columns, which a baseline file may keep.
 */
final class CsvRenderer {

    private CsvRenderer() {
    }

    static String render(RankedTable table) {
        boolean ranked = table.entries().stream().anyMatch(e -> !e.ranks().isEmpty());
        List<String> header = new ArrayList<>(List.of("framework"));
        table.columns().forEach(c -> header.add(c.key()));
        if (ranked) {
            table.columns().forEach(c -> header.add(c.key() + "_rank"));
        }
        StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
        for (RankedTable.Entry entry : table.entries()) {
            if (entry.live() != null && entry.live().error() != null) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            cells.add(quote(Names.of(entry)));
            for (Column column : table.columns()) {
                double value = entry.figures().get(column);
                cells.add(Double.isNaN(value) ? "" : column.format(value));
            }
            if (ranked) {
                for (Column column : table.columns()) {
                    cells.add(entry.ranks().getOrDefault(column, ""));
                }
            }
            out.append(String.join(",", cells)).append('\n');
        }
        return out.toString();
    }

    private static String quote(String cell) {
        if (cell.contains(",") || cell.contains("\"") || cell.contains("\n")) {
            return "\"" + cell.replace("\"", "\"\"").replace("\n", " ") + "\"";
        }
        return cell;
    }
}
