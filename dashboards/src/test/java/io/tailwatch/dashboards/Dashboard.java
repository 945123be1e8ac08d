package io.tailwatch.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard grafana/tailwatch.json: its panels, their PromQL, its variables. */
final class Dashboard {

    static final Path FILE = Tools.DIR.resolve("grafana").resolve("tailwatch.json");

    /** One query of a panel. */
    record Query(String panelTitle, String panelType, String refId, String expr) {
        String describe() {
            return "panel '" + panelTitle + "' (" + panelType + ", query " + refId + ")";
        }
    }

    /** A metric or recording-rule name in an expression, with its {...} matchers ("" when it has none). */
    record Selector(String name, String matchers) {
    }

    /**
     * How the e2e test fills in Grafana's variables: every job and instance selected (the
     * variables' "All" value is the regex {@code .*}), and the interval variables at values that
     * suit a 1 s scrape interval.
     */
    static final String ALL = ".*";
    static final String RATE_INTERVAL = "15s";
    static final String INTERVAL = "15s";
    static final String RANGE = "1m";

    private static final Set<String> KEYWORDS = Set.of(
            "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool",
            "offset", "inf", "nan", "Inf", "NaN");
    private static final Pattern IDENTIFIER =
            Pattern.compile("(?<![\\w:.])([a-zA-Z_:][\\w:]*)(\\s*\\{[^}]*})?(\\s*\\()?");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

    final JsonNode root;

    private Dashboard(JsonNode root) {
        this.root = root;
    }

    static Dashboard load() {
        try {
            return new Dashboard(new ObjectMapper().readTree(FILE.toFile()));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + FILE + ": " + e, e);
        }
    }

    /** Every panel, rows included, and the panels inside collapsed rows. */
    List<JsonNode> panels() {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            all.add(panel);
            for (JsonNode inner : panel.path("panels")) {
                all.add(inner);
            }
        }
        return all;
    }

    /** Every panel that draws something (not a row). */
    List<JsonNode> drawingPanels() {
        return panels().stream().filter(p -> !"row".equals(p.path("type").asText())).toList();
    }

    /** Every query of every panel, in the order of the dashboard. */
    List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : drawingPanels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(panel.path("title").asText(), panel.path("type").asText(),
                        target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        return queries;
    }

    JsonNode variable(String name) {
        for (JsonNode variable : root.path("templating").path("list")) {
            if (name.equals(variable.path("name").asText())) {
                return variable;
            }
        }
        throw new AssertionError("the dashboard has no variable " + name);
    }

    /**
     * The expression as Grafana sends it with every job and instance selected, ready for
     * Prometheus's HTTP API. Fails on a variable Grafana would not know.
     */
    static String forPrometheus(String expr) {
        String out = expr
                .replace("${__rate_interval}", RATE_INTERVAL).replace("$__rate_interval", RATE_INTERVAL)
                .replace("${__interval}", INTERVAL).replace("$__interval", INTERVAL)
                .replace("${__range}", RANGE).replace("$__range", RANGE)
                .replace("${job}", ALL).replace("$job", ALL)
                .replace("${instance}", ALL).replace("$instance", ALL);
        if (out.contains("$")) {
            throw new AssertionError("unknown variable left in " + out + " (from " + expr + ")");
        }
        return out;
    }

    /**
     * A variable's {@code label_values(selector, label)} as the PromQL that gives the same values:
     * {@code count by (label) (selector)}.
     */
    static String labelValuesAsPromQl(String definition) {
        Matcher m = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\s*\\)").matcher(definition.trim());
        if (!m.matches()) {
            throw new AssertionError("not label_values(selector, label): " + definition);
        }
        return "count by (" + m.group(2) + ") (" + forPrometheus(m.group(1)) + ")";
    }

    /**
     * The metric and recording-rule names an expression reads, with their matchers. Strings outside
     * braces, range durations and grouping clauses are left out; function names are not selectors.
     */
    static List<Selector> selectors(String expr) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (c == '"' && depth == 0) {
                // A string argument (label_replace): skipped with its escapes.
                int j = i + 1;
                while (j < expr.length() && expr.charAt(j) != '"') {
                    j += expr.charAt(j) == '\\' ? 2 : 1;
                }
                text.append("\"\"");
                i = j;
                continue;
            }
            text.append(c);
        }
        String cleaned = GROUPING.matcher(text.toString().replaceAll("\\[[^\\]]*]", "")).replaceAll(" ");
        List<Selector> selectors = new ArrayList<>();
        Matcher m = IDENTIFIER.matcher(cleaned);
        while (m.find()) {
            String name = m.group(1);
            if (m.group(3) != null || KEYWORDS.contains(name)) {
                continue; // a function call or an operator
            }
            String matchers = m.group(2) == null ? "" : m.group(2).trim();
            selectors.add(new Selector(name, matchers));
        }
        return selectors;
    }
}
