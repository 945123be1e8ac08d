package io.tailwatch.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** amtool on the example Alertmanager config. */
class AmtoolTest {

    @Test
    void checkConfig() {
        Tools.Result result = Tools.amtool(Tools.ALERTMANAGER, "check-config", "alertmanager.yml").assertSuccess();
        assertTrue(result.output().contains("1 inhibit rules"), result::describe);
    }

    /** Alerts are routed by their severity label; anything else goes to the default receiver. */
    @ParameterizedTest
    @CsvSource({
        "severity=critical, TailwatchAgentDown, tailwatch-critical",
        "severity=warning, TailwatchHighP99Latency, tailwatch-warning",
        "severity=info, TailwatchHighP99Latency, tailwatch-default",
    })
    void routesBySeverity(String severity, String alertname, String receiver) {
        Tools.Result result = Tools.amtool(Tools.ALERTMANAGER, "config", "routes", "test",
                "--config.file=alertmanager.yml", "--verify.receivers=" + receiver,
                severity, "alertname=" + alertname, "job=tailwatch", "instance=app:9464");
        assertEquals(0, result.exitCode(), result::describe);
        assertTrue(result.output().lines().anyMatch(receiver::equals), result::describe);
    }
}
