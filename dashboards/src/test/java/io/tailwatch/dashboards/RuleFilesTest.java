package io.tailwatch.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What promtool does not check: that every alert is unit-tested both ways and before its for:,
 * carries the labels and annotations the README promises, is documented, and reads only metrics
 * the agent exports.
 */
class RuleFilesTest {

    /** Metrics the alerts may use before the agent's README lists them: none since issue 4 exported its three. */
    static final Set<String> ISSUE_4_METRICS = Set.of();

    /** Alerts whose value says nothing (up == 0, absent() == 1): their description need not show it. */
    static final Set<String> WITHOUT_VALUE = Set.of("TailwatchAgentDown", "TailwatchTargetMissing");

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");
    private static final Pattern METRIC_NAME =
            Pattern.compile("(?<![:\\w])(?:tailwatch|http|jvm|process)_[a-z0-9_]+(?![:\\w])");
    private static final Pattern RECORDING_NAME = Pattern.compile("[a-z_]+:[a-z0-9_]+:[a-z0-9_]+");

    @Test
    void everyAlertFiresAboveItsThresholdIsPendingBeforeItsForAndStaysQuietBelow() {
        Map<String, List<Map<String, Object>>> alerts = alertRules();
        List<Map<String, Object>> tests = list(load(Tools.PROMETHEUS.resolve(PromtoolTest.RULE_TESTS)).get("tests"));
        assertFalse(alerts.isEmpty(), "no alerts found");

        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, Object>>> alert : alerts.entrySet()) {
            String name = alert.getKey();
            Duration shortestFor = alert.getValue().stream()
                    .map(rule -> duration(String.valueOf(rule.get("for"))))
                    .min(Duration::compareTo).orElseThrow();
            boolean fires = false;
            boolean quietBelow = false;
            boolean pendingBeforeFor = false;
            boolean pendingInAlerts = false;
            for (Map<String, Object> test : tests) {
                List<Duration> empty = new ArrayList<>();
                List<Duration> firing = new ArrayList<>();
                for (Map<String, Object> c : list(test.get("alert_rule_test"))) {
                    if (!name.equals(c.get("alertname"))) {
                        continue;
                    }
                    Duration at = duration(String.valueOf(c.get("eval_time")));
                    (list(c.get("exp_alerts")).isEmpty() ? empty : firing).add(at);
                }
                fires |= !firing.isEmpty();
                quietBelow |= firing.isEmpty() && !empty.isEmpty();
                for (Duration quiet : empty) {
                    for (Duration loud : firing) {
                        pendingBeforeFor |= quiet.compareTo(loud) < 0 && loud.minus(quiet).compareTo(shortestFor) < 0;
                    }
                }
                for (Map<String, Object> expr : list(test.get("promql_expr_test"))) {
                    for (Map<String, Object> sample : list(expr.get("exp_samples"))) {
                        String labels = String.valueOf(sample.get("labels"));
                        pendingInAlerts |= labels.startsWith("ALERTS{")
                                && labels.contains("alertname=\"" + name + "\"")
                                && labels.contains("alertstate=\"pending\"");
                    }
                }
            }
            if (!fires) {
                problems.add(name + ": no case where it fires (exp_alerts not empty)");
            }
            if (!quietBelow) {
                problems.add(name + ": no case where it stays quiet (only exp_alerts: [] for it in a test)");
            }
            if (!pendingBeforeFor) {
                problems.add(name + ": no case with exp_alerts: [] less than its for: (" + shortestFor
                        + ") before a case where it fires");
            }
            if (!pendingInAlerts) {
                problems.add(name + ": no promql_expr_test showing it pending in ALERTS");
            }
        }
        assertTrue(problems.isEmpty(), () -> "in " + PromtoolTest.RULE_TESTS + ":\n" + String.join("\n", problems));
    }

    @Test
    void everyAlertHasAForASeverityAndItsAnnotations() {
        List<String> problems = new ArrayList<>();
        alertRules().forEach((name, rules) -> {
            for (Map<String, Object> rule : rules) {
                Object forValue = rule.get("for");
                if (forValue == null || duration(String.valueOf(forValue)).isZero()) {
                    problems.add(name + ": no for:");
                }
                Object severity = map(rule.get("labels")).get("severity");
                if (!"warning".equals(severity) && !"critical".equals(severity)) {
                    problems.add(name + ": severity is " + severity + ", not warning or critical");
                }
                Map<String, Object> annotations = map(rule.get("annotations"));
                for (String key : List.of("summary", "description", "runbook")) {
                    Object text = annotations.get(key);
                    if (text == null || String.valueOf(text).isBlank()) {
                        problems.add(name + ": no " + key + " annotation");
                    }
                }
                if (!WITHOUT_VALUE.contains(name)
                        && !String.valueOf(annotations.get("description")).contains("$value")) {
                    problems.add(name + ": description does not say the value ($value)");
                }
            }
        });
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /** dashboards/README.md has every alert in its thresholds table. */
    @Test
    void everyAlertIsDocumented() throws IOException {
        String readme = Files.readString(Tools.DIR.resolve("README.md"), StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (String name : alertRules().keySet()) {
            if (readme.lines().noneMatch(line -> line.startsWith("|") && line.contains("`" + name + "`"))) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), () -> "not in a table of dashboards/README.md: " + missing);
    }

    @Test
    void recordingRulesFollowTheNamingConvention() {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> group : list(load(Tools.PROMETHEUS.resolve(PromtoolTest.RECORDING_RULES)).get("groups"))) {
            for (Map<String, Object> rule : list(group.get("rules"))) {
                names.add(String.valueOf(rule.get("record")));
            }
        }
        assertFalse(names.isEmpty());
        for (String name : names) {
            assertTrue(RECORDING_NAME.matcher(name).matches(), () -> name + " is not level:metric:operations");
        }
        assertEquals(names.size(), new LinkedHashSet<>(names).size(), () -> "duplicate recording rules: " + names);
    }

    /**
     * The recording rules and the alerts read only metrics of the agent's README.
     */
    @Test
    void rulesReadOnlyMetricsTheAgentExports() throws IOException {
        Set<String> exported = readmeMetrics();
        assertTrue(exported.contains("http_server_request_duration_seconds"), () -> "README metrics: " + exported);

        Set<String> unknownInRecording = unknownMetrics(PromtoolTest.RECORDING_RULES, exported);
        assertTrue(unknownInRecording.isEmpty(),
                () -> "recording rules read metrics not in the README's Metrics table: " + unknownInRecording);

        Set<String> unknownInAlerts = unknownMetrics(PromtoolTest.ALERTS, exported);
        unknownInAlerts.removeAll(ISSUE_4_METRICS);
        assertTrue(unknownInAlerts.isEmpty(),
                () -> "alerts read metrics not in the README's Metrics table: " + unknownInAlerts);
    }

    /** The test file and the example config load the same two rule files, relative to their directory. */
    @Test
    void ruleFilesAreTheSameEverywhere() {
        List<String> expected = List.of(PromtoolTest.RECORDING_RULES, PromtoolTest.ALERTS);
        assertEquals(expected, load(Tools.PROMETHEUS.resolve(PromtoolTest.RULE_TESTS)).get("rule_files"));
        Map<String, Object> config = load(Tools.PROMETHEUS.resolve("prometheus.yml"));
        assertEquals(expected, config.get("rule_files"));
        List<Map<String, Object>> jobs = list(config.get("scrape_configs"));
        assertEquals("tailwatch", jobs.get(0).get("job_name"));
    }

    // ---------------------------------------------------------------- helpers

    /** Alert name to its rules (an alert may have a warning and a critical rule). */
    static Map<String, List<Map<String, Object>>> alertRules() {
        Map<String, List<Map<String, Object>>> alerts = new LinkedHashMap<>();
        for (Map<String, Object> group : list(load(Tools.PROMETHEUS.resolve(PromtoolTest.ALERTS)).get("groups"))) {
            for (Map<String, Object> rule : list(group.get("rules"))) {
                Object name = rule.get("alert");
                if (name != null) {
                    alerts.computeIfAbsent(String.valueOf(name), k -> new ArrayList<>()).add(rule);
                }
            }
        }
        return alerts;
    }

    /** Metric names in backquotes in the first column of the Metrics table of the project README. */
    static Set<String> readmeMetrics() throws IOException {
        Path readme = Tools.DIR.getParent().resolve("README.md");
        Set<String> names = new TreeSet<>();
        boolean inMetrics = false;
        for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                inMetrics = line.equals("## Metrics");
            }
            if (inMetrics && line.startsWith("| `")) {
                String firstColumn = line.substring(1, line.indexOf('|', 1));
                Matcher m = Pattern.compile("`([a-z_][a-z0-9_]*)`").matcher(firstColumn);
                String base = null;
                while (m.find()) {
                    String name = m.group(1);
                    // "(+ `_quantile_seconds`)": a suffix of the name before it.
                    if (name.startsWith("_") && base != null) {
                        names.add(base.replaceAll("_seconds$", "") + name);
                    } else {
                        names.add(name);
                        base = name;
                    }
                }
            }
        }
        return names;
    }

    private static Set<String> unknownMetrics(String ruleFile, Set<String> exported) {
        Set<String> unknown = new TreeSet<>();
        for (Map<String, Object> group : list(load(Tools.PROMETHEUS.resolve(ruleFile)).get("groups"))) {
            for (Map<String, Object> rule : list(group.get("rules"))) {
                // Label names (http_request_method, ...) only appear inside {...} and by (...); names
                // with a colon are recording rules.
                String expr = String.valueOf(rule.get("expr"))
                        .replaceAll("\\{[^}]*}", "")
                        .replaceAll("\\b(by|without)\\s*\\([^)]*\\)", "");
                Matcher m = METRIC_NAME.matcher(expr);
                while (m.find()) {
                    String name = m.group();
                    String base = name.replaceAll("_(bucket|sum|count)$", "");
                    if (!exported.contains(name) && !exported.contains(base)) {
                        unknown.add(name);
                    }
                }
            }
        }
        return unknown;
    }

    static Duration duration(String text) {
        Matcher m = DURATION_PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                fail("not a Prometheus duration: " + text);
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(7 * n);
                default -> Duration.ofDays(365 * n);
            });
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            fail("not a Prometheus duration: " + text);
        }
        return total;
    }

    static Map<String, Object> load(Path file) {
        try {
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(Files.readString(file, StandardCharsets.UTF_8));
            return map(loaded);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ": " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }
}
