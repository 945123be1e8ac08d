package io.tailwatch.dashboards;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** promtool on the rule files, the example Prometheus config and the rules' unit tests. */
class PromtoolTest {

    static final String RECORDING_RULES = "tailwatch-recording-rules.yml";
    static final String ALERTS = "tailwatch-alerts.yml";
    static final String RULE_TESTS = "tailwatch-rules.test.yml";

    @ParameterizedTest
    @ValueSource(strings = {RECORDING_RULES, ALERTS})
    void checkRules(String file) {
        Tools.Result result = Tools.promtool(Tools.PROMETHEUS, "check", "rules", file).assertSuccess();
        Matcher found = Pattern.compile("SUCCESS: (\\d+) rules found").matcher(result.output());
        assertTrue(found.find() && Integer.parseInt(found.group(1)) > 0,
                () -> "no rules found: " + result.describe());
    }

    /** The example config, and through it the rule files it names (relative to its directory). */
    @Test
    void checkConfig() {
        Tools.Result result = Tools.promtool(Tools.PROMETHEUS, "check", "config", "prometheus.yml").assertSuccess();
        assertTrue(result.output().contains("SUCCESS: 2 rule files found"), result::describe);
    }

    /** The same check from another working directory: the rule files are found next to the config. */
    @Test
    void checkConfigFromElsewhere() {
        Tools.promtool(Tools.DIR.getParent(), "check", "config",
                Tools.PROMETHEUS.resolve("prometheus.yml").toString()).assertSuccess();
    }

    @Test
    void ruleUnitTests() {
        Tools.promtool(Tools.PROMETHEUS, "test", "rules", RULE_TESTS).assertSuccess();
    }

    /**
     * The unit tests have teeth: each of these changes to a threshold, a for: or an expression
     * makes them fail.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            tailwatch-alerts.yml            | p99_1m > 0.5                | p99_1m > 0.8
            tailwatch-alerts.yml            | ratio_rate1m > 0.01         | ratio_rate1m > 0.004
            tailwatch-alerts.yml            | for: 10m                    | for: 9m
            tailwatch-alerts.yml            | {quantile="0.99"}) > 0.05   | {quantile="0.999"}) > 0.05
            tailwatch-alerts.yml            | up{job="tailwatch"} == 0    | up{job="tailwatch"} == 1
            tailwatch-recording-rules.yml   | {error_type!=""}            | {error_type=""}
            tailwatch-recording-rules.yml   | 1 - (                       | 0.5 - (
            """)
    void ruleUnitTestsCatchAChange(String file, String from, String to, @TempDir Path dir) throws IOException {
        for (String name : new String[] {RECORDING_RULES, ALERTS, RULE_TESTS}) {
            Files.copy(Tools.PROMETHEUS.resolve(name), dir.resolve(name));
        }
        Path changed = dir.resolve(file);
        String text = Files.readString(changed, StandardCharsets.UTF_8);
        assertTrue(text.contains(from), () -> file + " no longer contains " + from + ": update this test");
        Files.writeString(changed, text.replace(from, to), StandardCharsets.UTF_8);

        Tools.Result result = Tools.promtool(dir, "test", "rules", RULE_TESTS);
        assertNotEquals(0, result.exitCode(), () -> "changing " + from + " to " + to + " went unnoticed: "
                + result.describe());
        assertTrue(result.output().contains("FAILED"), result::describe);
    }
}
