package io.tailwatch.collector.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.Figures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertRuleTest {

    @Test
    void theIssuesExamplesParseIntoTheColumnsUnits() {
        AlertRule p99 = AlertRule.parse("p99 > 10ms for 30s");
        assertEquals(Column.P99_LATENCY, p99.column());
        assertEquals(AlertRule.Comparison.ABOVE, p99.comparison());
        assertEquals(10.0, p99.threshold());
        assertEquals(Duration.ofSeconds(30), p99.forDuration());

        AlertRule errors = AlertRule.parse("error_rate > 1%");
        assertEquals(Column.ERROR_RATE, errors.column());
        assertEquals(1.0, errors.threshold());
        assertEquals(Duration.ZERO, errors.forDuration());

        AlertRule gc = AlertRule.parse("  gc_pause_max   >   200ms ");
        assertEquals(Column.GC_PAUSE_MAX, gc.column());
        assertEquals(200.0, gc.threshold());
        assertEquals("gc_pause_max > 200ms", gc.text());
    }

    @Test
    void unitsConvertToTheColumnsUnit() {
        assertEquals(1500.0, AlertRule.parse("p99 > 1.5s").threshold());
        assertEquals(0.25, AlertRule.parse("avg >= 250us").threshold());
        assertEquals(2048.0, AlertRule.parse("memory > 2GB").threshold());
        assertEquals(90.0, AlertRule.parse("conn_reuse < 90%").threshold());
        assertEquals(AlertRule.Comparison.AT_MOST, AlertRule.parse("qps <= 100 for 2m").comparison());
        assertEquals(Duration.ofMinutes(2), AlertRule.parse("qps <= 100 for 2m").forDuration());
        assertEquals(Column.P99_LATENCY, AlertRule.parse("p99_latency_ms > 5").column(), "a CSV key works too");
    }

    @Test
    void badRulesAreOneLineNamingTheProblem() {
        String syntax = assertThrows(IllegalArgumentException.class, () -> AlertRule.parse("p99 10ms")).getMessage();
        assertTrue(syntax.contains("'p99 10ms'") && syntax.contains("METRIC OP VALUE"), syntax);
        String metric = assertThrows(IllegalArgumentException.class, () -> AlertRule.parse("p95 > 10ms")).getMessage();
        assertTrue(metric.contains("unknown metric 'p95'"), metric);
        String unit = assertThrows(IllegalArgumentException.class, () -> AlertRule.parse("error_rate > 10ms")).getMessage();
        assertTrue(unit.contains("'ms' is not a unit of error_rate_pct"), unit);
        String forUnit = assertThrows(IllegalArgumentException.class, () -> AlertRule.parse("qps > 1 for ever")).getMessage();
        assertTrue(forUnit.contains("METRIC OP VALUE"), forUnit);
        for (String message : List.of(syntax, metric, unit, forUnit)) {
            assertFalse(message.contains("\n"), message);
        }
    }

    @Test
    void aMissingFigureNeverMeetsARule() {
        AlertRule below = AlertRule.parse("qps < 5");
        assertFalse(below.holds(new Figures(Map.of())));
        assertTrue(below.holds(new Figures(Map.of(Column.QPS, 4.0))));
        assertFalse(below.holds(new Figures(Map.of(Column.QPS, 5.0))));
    }

    @Test
    void aRulesFileSkipsCommentsAndNamesTheBadLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alerts.txt");
        Files.writeString(file, "# latency\np99 > 10ms for 30s\n\nerror_rate > 1%\n");
        assertEquals(3, AlertRules.load(List.of("qps > 0"), file).size());
        Files.writeString(file, "p99 > 10ms\nnonsense\n");
        String message = assertThrows(IllegalArgumentException.class, () -> AlertRules.load(List.of(), file)).getMessage();
        assertTrue(message.startsWith(file + ":2: alert rule 'nonsense'"), message);
        String missing = assertThrows(IllegalArgumentException.class,
                () -> AlertRules.load(List.of(), dir.resolve("none.txt"))).getMessage();
        assertTrue(missing.endsWith("none.txt: no such file"), missing);
    }
}
