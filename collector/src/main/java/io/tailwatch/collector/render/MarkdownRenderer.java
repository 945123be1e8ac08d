package io.tailwatch.collector.render;

import io.tailwatch.collector.baseline.RankedTable;
import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.TargetRow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Markdown table, its cells padded so that it also reads as a table in a terminal, then one
 * line per target saying what its row was computed from.
 */
final class MarkdownRenderer {

    private MarkdownRenderer() {
    }

    static String render(RankedTable table) {
        List<String> header = new ArrayList<>(List.of("framework", "row"));
        table.columns().forEach(c -> header.add(c.header()));
        List<List<String>> rows = new ArrayList<>();
        for (RankedTable.Entry entry : table.entries()) {
            List<String> cells = new ArrayList<>();
            cells.add(escape(Names.of(entry)));
            cells.add(Names.kind(entry.kind()));
            for (Column column : table.columns()) {
                String value = entry.live() != null && entry.live().error() != null ? "" : column.format(entry.figures().get(column));
                String rank = entry.ranks().get(column);
                cells.add(rank == null ? value : value + " (" + rank + ")");
            }
            rows.add(cells);
        }
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = Math.max(3, header.get(i).length());
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        if (table.scenario() != null) {
            out.append("Scenario ").append(table.scenario().id()).append(" (").append(table.scenario().description())
                    .append("): reference rows from ").append(table.scenario().file()).append(", rank/rows per column\n\n");
        }
        line(out, header, widths, false);
        out.append('|');
        for (int i = 0; i < widths.length; i++) {
            out.append(i < 2 ? "-".repeat(widths[i] + 2) : "-".repeat(widths[i] + 1) + ":").append('|');
        }
        out.append('\n');
        for (List<String> row : rows) {
            line(out, row, widths, true);
        }
        for (RankedTable.Entry entry : table.entries()) {
            TargetRow live = entry.live();
            if (live == null) {
                continue;
            }
            out.append('\n');
            if (live.error() != null) {
                out.append("no figures: ").append(live.error());
            } else {
                out.append(Names.of(entry)).append(": ");
                out.append(String.format(Locale.ROOT, "%.0f requests in %.2f s", live.requests(), live.windowSeconds()));
                if (!Double.isNaN(live.requestsTotal())) {
                    // A load client's row (bench) has no total since a service start.
                    out.append(String.format(Locale.ROOT, ", %.0f since the service started", live.requestsTotal()));
                }
                if (live.restarts() > 0) {
                    out.append(", restarted within the window");
                }
            }
        }
        if (table.entries().stream().anyMatch(e -> e.live() != null)) {
            out.append('\n');
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths, boolean alignNumbers) {
        out.append('|');
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            String pad = " ".repeat(widths[i] - cell.length());
            out.append(' ').append(alignNumbers && i >= 2 ? pad + cell : cell + pad).append(" |");
        }
        out.append('\n');
    }

    /** A name from a scraped target or a user's file must not break the table. */
    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ");
    }
}
