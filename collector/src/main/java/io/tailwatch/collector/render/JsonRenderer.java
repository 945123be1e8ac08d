package io.tailwatch.collector.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tailwatch.collector.baseline.RankedTable;
import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.TargetRow;

import java.io.UncheckedIOException;

/**
 * Everything the table holds, for programs: values unrounded in the columns' units (null where there
 * is no figure), ranks, and for each target its window and request counts.
 */
final class JsonRenderer {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonRenderer() {
    }

    static String render(RankedTable table) {
        ObjectNode root = JSON.createObjectNode();
        root.put("scenario", table.scenario() == null ? null : table.scenario().id());
        ArrayNode columns = root.putArray("columns");
        table.columns().forEach(c -> columns.add(c.key()));
        ArrayNode rows = root.putArray("rows");
        for (RankedTable.Entry entry : table.entries()) {
            ObjectNode row = rows.addObject();
            row.put("name", Names.of(entry));
            row.put("kind", Names.kind(entry.kind()));
            TargetRow live = entry.live();
            if (live != null) {
                row.put("target", live.target());
                if (live.error() != null) {
                    row.put("error", live.error());
                    continue;
                }
                row.put("window_seconds", live.windowSeconds());
                row.put("requests", live.requests());
                if (Double.isNaN(live.requestsTotal())) {
                    // A load client's row (bench) has no total since a service start.
                    row.putNull("requests_total");
                } else {
                    row.put("requests_total", live.requestsTotal());
                }
                row.put("restarts", live.restarts());
            }
            ObjectNode values = row.putObject("values");
            for (Column column : entry.kind() == RankedTable.Kind.LIVE ? java.util.List.of(Column.values()) : table.columns()) {
                double value = entry.figures().get(column);
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    values.putNull(column.key());
                } else {
                    values.put(column.key(), value);
                }
            }
            if (!entry.ranks().isEmpty()) {
                ObjectNode ranks = row.putObject("ranks");
                for (Column column : table.columns()) {
                    String rank = entry.ranks().get(column);
                    if (rank != null) {
                        ranks.put(column.key(), rank);
                    }
                }
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
