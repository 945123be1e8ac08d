package io.tailwatch.collector.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tailwatch.collector.alert.AlertEvaluator;
import io.tailwatch.collector.alert.AlertEvent;
import io.tailwatch.collector.alert.AlertRule;
import io.tailwatch.collector.baseline.RankedTable;
import io.tailwatch.collector.render.Names;
import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.TargetRow;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the page shows, kept by the refresh loop and read by the page's poll: the latest table, a
 * history of the charted figures per target, and the alerts. Rendered to JSON with the values
 * already formatted as the terminal prints them, so that the page and the terminal agree to the digit.
 */
public final class LiveState {

    /** Ten minutes at the default one-second refresh. */
    static final int HISTORY = 600;

    /** The charted columns: the keys the page's script reads. */
    static final Map<String, Column> CHARTED = new LinkedHashMap<>();

    static {
        CHARTED.put("qps", Column.QPS);
        CHARTED.put("p99", Column.P99_LATENCY);
        CHARTED.put("gc_pause_max", Column.GC_PAUSE_MAX);
        CHARTED.put("conn_setup", Column.CONN_SETUP);
        CHARTED.put("error_rate", Column.ERROR_RATE);
    }

    private record Frame(Instant at, Map<String, TargetRow> rows) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final double intervalSeconds;
    private final double windowSeconds;
    private final List<AlertRule> rules;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private final Deque<AlertEvent> events = new ArrayDeque<>();
    private RankedTable table;
    private List<AlertEvaluator.Active> active = List.of();
    private Instant updated;

    public LiveState(String source, double intervalSeconds, double windowSeconds, List<AlertRule> rules) {
        this.source = source;
        this.intervalSeconds = intervalSeconds;
        this.windowSeconds = windowSeconds;
        this.rules = List.copyOf(rules);
    }

    /** Records one refresh. */
    public synchronized void update(Instant at, RankedTable table, List<TargetRow> rows, List<AlertEvent> newEvents,
                                    List<AlertEvaluator.Active> activeAlerts) {
        this.updated = at;
        this.table = table;
        Map<String, TargetRow> byName = new LinkedHashMap<>();
        for (TargetRow row : rows) {
            byName.put(displayName(row.target()), row);
        }
        frames.addLast(new Frame(at, byName));
        while (frames.size() > HISTORY) {
            frames.removeFirst();
        }
        for (AlertEvent event : newEvents) {
            events.addFirst(event);
        }
        while (events.size() > 50) {
            events.removeLast();
        }
        this.active = List.copyOf(activeAlerts);
    }

    public synchronized String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("source", source);
        root.put("interval_seconds", intervalSeconds);
        root.put("window_seconds", windowSeconds);
        root.put("updated", updated == null ? null : updated.toString());
        if (table != null) {
            root.put("scenario", table.scenario() == null ? null : table.scenario().id());
            ArrayNode columns = root.putArray("columns");
            for (Column column : table.columns()) {
                columns.addObject().put("key", column.key()).put("header", column.header());
            }
            ArrayNode rows = root.putArray("rows");
            for (RankedTable.Entry entry : table.entries()) {
                ObjectNode row = rows.addObject();
                row.put("name", Names.of(entry));
                row.put("kind", Names.kind(entry.kind()));
                if (entry.live() != null) {
                    row.put("target", entry.live().target());
                    row.put("error", entry.live().error());
                }
                ArrayNode cells = row.putArray("cells");
                for (Column column : table.columns()) {
                    ObjectNode cell = cells.addObject();
                    cell.put("text", column.format(entry.figures().get(column)));
                    cell.put("rank", entry.ranks().get(column));
                }
            }
        }
        history(root.putObject("history"));
        alerts(root.putObject("alerts"));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One time axis for every chart (seconds since the epoch, as uPlot takes it), a series per target and figure. */
    private void history(ObjectNode history) {
        ArrayNode times = history.putArray("t");
        Set<String> names = new LinkedHashSet<>();
        for (Frame frame : frames) {
            times.add(frame.at().toEpochMilli() / 1000.0);
            names.addAll(frame.rows().keySet());
        }
        ArrayNode targets = history.putArray("targets");
        for (String name : names) {
            ObjectNode target = targets.addObject();
            target.put("name", name);
            for (Map.Entry<String, Column> charted : CHARTED.entrySet()) {
                ArrayNode values = target.putArray(charted.getKey());
                for (Frame frame : frames) {
                    TargetRow row = frame.rows().get(name);
                    double value = row == null ? Double.NaN : row.figures().get(charted.getValue());
                    // null is a gap in the line; uPlot draws NaN as nothing too, but JSON has no NaN.
                    if (Double.isNaN(value) || Double.isInfinite(value)) {
                        values.addNull();
                    } else {
                        values.add(value);
                    }
                }
            }
        }
    }

    private void alerts(ObjectNode alerts) {
        ArrayNode ruleTexts = alerts.putArray("rules");
        rules.forEach(r -> ruleTexts.add(r.text()));
        ArrayNode activeNodes = alerts.putArray("active");
        for (AlertEvaluator.Active a : active) {
            activeNodes.addObject()
                    .put("state", a.firing() ? "firing" : "pending")
                    .put("rule", a.rule().text())
                    .put("target", displayName(a.target()))
                    .put("value", a.rule().describe(a.value()))
                    .put("since", a.since().toString());
        }
        ArrayNode eventNodes = alerts.putArray("events");
        for (AlertEvent e : events) {
            eventNodes.addObject()
                    .put("state", e.state().name().toLowerCase(Locale.ROOT))
                    .put("rule", e.rule().text())
                    .put("target", displayName(e.target()))
                    .put("value", e.rule().describe(e.value()))
                    .put("at", e.at().toString());
        }
    }

    private static String displayName(String target) {
        return Names.of(new RankedTable.Entry(target, RankedTable.Kind.LIVE, null, Map.of(), null));
    }
}
