package io.tailwatch.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard's JSON, without Grafana: current schema, the data source as a variable used
 * everywhere, job and instance variables that every selector honours, known panel types, metrics
 * the agent exports (or will, for the panels {@link EndToEndIT} lets be empty), quantiles
 * aggregated over buckets. {@link EndToEndIT} evaluates every expression on real data.
 */
class DashboardTest {

    /** Metrics and labels of later issues that panels may read: none since issues 3 and 4. */
    static final Set<String> LATER_METRICS = union(RuleFilesTest.ISSUE_4_METRICS, Set.of());
    static final Set<String> LATER_LABELS = Set.of();

    private static final Set<String> PANEL_TYPES = Set.of("row", "timeseries", "stat", "table", "heatmap");
    private static final String DATASOURCE_UID = "${datasource}";
    private static final Pattern HISTOGRAM_QUANTILE = Pattern.compile(
            "histogram_quantile\\(\\s*[0-9.]+\\s*,\\s*sum by \\(([^)]*)\\)\\s*\\(\\s*(rate|increase)\\(\\s*([a-z_:]+)\\{");

    private final Dashboard dashboard = Dashboard.load();

    @Test
    void isCurrentSchemaAndImportsWithoutInputs() {
        JsonNode root = dashboard.root;
        assertTrue(root.path("schemaVersion").asInt() >= 39, () -> "schemaVersion " + root.path("schemaVersion"));
        assertFalse(root.has("__inputs"), "__inputs: the data source is a template variable instead");
        assertTrue(root.path("id").isNull(), "id must be null so that an import creates the dashboard");
        assertFalse(root.path("uid").asText().isEmpty(), "no uid");
        assertFalse(root.path("title").asText().isEmpty(), "no title");
    }

    @Test
    void theDataSourceIsAVariableThatEveryPanelAndQueryUses() {
        JsonNode variable = dashboard.variable("datasource");
        assertEquals("datasource", variable.path("type").asText());
        assertEquals("prometheus", variable.path("query").asText());

        List<String> problems = new ArrayList<>();
        for (JsonNode panel : dashboard.drawingPanels()) {
            String title = panel.path("title").asText();
            if (!isTheVariable(panel.path("datasource"))) {
                problems.add("panel '" + title + "': datasource " + panel.path("datasource"));
            }
            for (JsonNode target : panel.path("targets")) {
                if (!isTheVariable(target.path("datasource"))) {
                    problems.add("panel '" + title + "' query " + target.path("refId").asText()
                            + ": datasource " + target.path("datasource"));
                }
            }
        }
        for (String name : List.of("job", "instance")) {
            if (!isTheVariable(dashboard.variable(name).path("datasource"))) {
                problems.add("variable " + name + ": datasource " + dashboard.variable(name).path("datasource"));
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    @Test
    void jobAndInstanceVariablesListWhatPrometheusScrapes() {
        Map<String, String> expected = Map.of(
                "job", "label_values(up, job)",
                "instance", "label_values(up{job=~\"$job\"}, instance)");
        expected.forEach((name, definition) -> {
            JsonNode variable = dashboard.variable(name);
            assertEquals("query", variable.path("type").asText(), name);
            assertEquals(definition, variable.path("definition").asText(), name);
            assertEquals(definition, variable.path("query").path("query").asText(), name);
            assertTrue(variable.path("multi").asBoolean() && variable.path("includeAll").asBoolean(),
                    () -> name + ": several values and All can be selected");
            assertEquals(Dashboard.ALL, variable.path("allValue").asText(),
                    () -> name + ": All is the regex .*, not a list of every value");
            assertEquals(2, variable.path("refresh").asInt(), () -> name + ": refreshed when the time range changes");
        });
    }

    @Test
    void panelsHaveKnownTypesUniqueTitlesAndFitTheGrid() {
        List<String> problems = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (JsonNode panel : dashboard.panels()) {
            String title = panel.path("title").asText();
            String type = panel.path("type").asText();
            if (!PANEL_TYPES.contains(type)) {
                problems.add("panel '" + title + "': type " + type + " is not one of " + PANEL_TYPES);
            }
            if (!ids.add(panel.path("id").asInt())) {
                problems.add("panel '" + title + "': duplicate id " + panel.path("id"));
            }
            // EndToEndIT's failure messages and its list of panels empty until later name panels by title.
            if (title.isBlank() || !titles.add(title)) {
                problems.add("panel '" + title + "': blank or duplicate title");
            }
            JsonNode grid = panel.path("gridPos");
            if (grid.path("w").asInt() <= 0 || grid.path("h").asInt() <= 0
                    || grid.path("x").asInt() + grid.path("w").asInt() > 24) {
                problems.add("panel '" + title + "': gridPos " + grid);
            }
            if (type.equals("row")) {
                continue;
            }
            if (panel.path("targets").isEmpty()) {
                problems.add("panel '" + title + "': no queries");
            }
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                String refId = target.path("refId").asText();
                if (!refIds.add(refId) || target.path("expr").asText().isBlank()) {
                    problems.add("panel '" + title + "' query " + refId + ": duplicate refId or no expr");
                }
                if (type.equals("heatmap") && !target.path("format").asText().equals("heatmap")) {
                    problems.add("panel '" + title + "': a heatmap query must have format heatmap (buckets as rows)");
                }
                if (type.equals("table") && !(target.path("instant").asBoolean()
                        && target.path("format").asText().equals("table"))) {
                    problems.add("panel '" + title + "': a table query must be instant with format table");
                }
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /**
     * Every metric and recording-rule selector carries both variables' matchers, and reads a metric
     * of the agent's README, a recording rule, or a metric of a later issue.
     */
    @Test
    void everySelectorHonoursJobAndInstanceAndReadsAKnownSeries() throws IOException {
        Set<String> readme = RuleFilesTest.readmeMetrics();
        Set<String> recorded = recordingRuleNames();
        List<String> problems = new ArrayList<>();
        for (Dashboard.Query query : dashboard.queries()) {
            List<Dashboard.Selector> selectors = Dashboard.selectors(query.expr());
            if (selectors.isEmpty()) {
                problems.add(query.describe() + ": reads no series: " + query.expr());
            }
            for (Dashboard.Selector selector : selectors) {
                String m = selector.matchers();
                if (!m.contains("job=~\"$job\"") || !m.contains("instance=~\"$instance\"")) {
                    problems.add(query.describe() + ": " + selector.name() + m + " lacks job=~\"$job\" or instance=~\"$instance\"");
                }
                String name = selector.name();
                String base = name.replaceAll("_(bucket|sum|count)$", "");
                boolean known = name.equals("up") || readme.contains(name) || readme.contains(base)
                        || recorded.contains(name) || LATER_METRICS.contains(name) || LATER_METRICS.contains(base);
                if (!known) {
                    problems.add(query.describe() + ": " + name + " is neither in the README's Metrics table nor a recording rule");
                }
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /** The dashboard draws every per-instance recording rule (it prefers them to recomputing). */
    @Test
    void everyPerInstanceRecordingRuleIsDrawn() {
        Set<String> used = new TreeSet<>();
        for (Dashboard.Query query : dashboard.queries()) {
            for (Dashboard.Selector selector : Dashboard.selectors(query.expr())) {
                used.add(selector.name());
            }
        }
        Set<String> missing = new TreeSet<>();
        for (String name : recordingRuleNames()) {
            if (name.startsWith("job_instance:") && !used.contains(name)) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), () -> "recording rules no panel draws: " + missing);
    }

    /**
     * Quantiles across instances come from buckets summed by le; the agent's exact quantile gauges
     * are never averaged or summed across instances (quantiles do not add up).
     */
    @Test
    void quantilesAreAggregatedOverBucketsNeverAveraged() {
        List<String> problems = new ArrayList<>();
        int histogramQuantiles = 0;
        for (Dashboard.Query query : dashboard.queries()) {
            String expr = query.expr();
            int calls = expr.split("histogram_quantile\\(", -1).length - 1;
            Matcher m = HISTOGRAM_QUANTILE.matcher(expr);
            int matched = 0;
            while (m.find()) {
                matched++;
                List<String> by = List.of(m.group(1).replace(" ", "").split(","));
                if (!by.contains("le") || !m.group(3).endsWith("_bucket")) {
                    problems.add(query.describe() + ": histogram_quantile over " + m.group(3) + " not summed by le: " + expr);
                }
            }
            if (matched != calls) {
                problems.add(query.describe() + ": histogram_quantile not of sum by (..., le) (rate(..._bucket{...})): " + expr);
            }
            histogramQuantiles += calls;
            if (expr.contains("quantile_seconds") && Pattern.compile("\\b(avg|sum)\\b").matcher(expr).find()) {
                problems.add(query.describe() + ": sums or averages exact quantiles: " + expr);
            }
        }
        assertTrue(histogramQuantiles > 0, "no histogram_quantile at all");
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /**
     * The panels EndToEndIT lets be empty are exactly those reading a metric or label of a later
     * issue, so that the list can neither hide a broken panel nor go stale.
     */
    @Test
    void panelsAllowedEmptyAreExactlyThoseReadingLaterMetrics() {
        Set<String> reading = new TreeSet<>();
        for (Dashboard.Query query : dashboard.queries()) {
            boolean later = LATER_LABELS.stream().anyMatch(query.expr()::contains) || Dashboard.selectors(query.expr()).stream()
                    .anyMatch(s -> LATER_METRICS.contains(s.name()) || LATER_METRICS.contains(s.name().replaceAll("_bucket$", "")));
            if (later) {
                reading.add(query.panelTitle());
            }
        }
        assertEquals(new TreeSet<>(EndToEndIT.EMPTY_UNTIL_LATER.keySet()), reading);
    }

    /** Every query of the dashboard filled in as the e2e test sends it has no variable left. */
    @Test
    void everyVariableIsOneTheTestFillsIn() {
        for (Dashboard.Query query : dashboard.queries()) {
            Dashboard.forPrometheus(query.expr());
        }
    }

    @Test
    void selectorsAreFoundInExpressions() {
        List<Dashboard.Selector> found = Dashboard.selectors(
                "label_replace(sum by (le, job) (rate(a_bucket{job=~\"$job\"}[$__rate_interval])) or on (x) vector(0),"
                        + " \"dst\", \"none\", \"src\", \"\") / job_instance:b:rate1m{instance=\"i\"}");
        assertEquals(List.of(new Dashboard.Selector("a_bucket", "{job=~\"$job\"}"),
                new Dashboard.Selector("job_instance:b:rate1m", "{instance=\"i\"}")), found);
    }

    private static Set<String> recordingRuleNames() {
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> group : RuleFilesTest.list(RuleFilesTest.load(
                Tools.PROMETHEUS.resolve(PromtoolTest.RECORDING_RULES)).get("groups"))) {
            for (Map<String, Object> rule : RuleFilesTest.list(group.get("rules"))) {
                names.add(String.valueOf(rule.get("record")));
            }
        }
        return names;
    }

    private static boolean isTheVariable(JsonNode datasource) {
        return datasource.path("uid").asText().equals(DATASOURCE_UID)
                && datasource.path("type").asText().equals("prometheus");
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
