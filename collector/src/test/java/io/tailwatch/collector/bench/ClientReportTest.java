package io.tailwatch.collector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tailwatch.collector.baseline.Scenario;
import io.tailwatch.collector.table.Column;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientReportTest {

    private static String output(String file) throws Exception {
        try (InputStream in = ClientReportTest.class.getResourceAsStream("/clients/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void wrkWithItsLatencyDistribution() throws Exception {
        ClientReport report = ClientReport.parse(LoadClient.WRK, output("wrk-latency.txt"));
        assertEquals(152, report.requests());
        assertEquals(1.00, report.seconds());
        assertEquals(151.76, report.figures().get(Column.QPS));
        assertEquals(13.07, report.figures().get(Column.AVG_LATENCY), 1e-9);
        assertEquals(25.56, report.figures().get(Column.P99_LATENCY), 1e-9);
        assertEquals(0.0, report.figures().get(Column.ERROR_RATE));
        assertEquals(7.85 * 1024, report.figures().get(Column.THROUGHPUT), 1e-9);
    }

    @Test
    void wrkErrorsAreNon2xxResponsesAndSocketErrorsButReads() throws Exception {
        ClientReport report = ClientReport.parse(LoadClient.WRK, output("wrk-errors.txt"));
        assertEquals(2 + 15, report.errors(), "2 timeouts and 15 non-2xx; the 3 read errors are closes after a response");
        assertEquals(100 * 17.0 / 20000, report.figures().get(Column.ERROR_RATE), 1e-12);
        assertEquals(0.85, report.figures().get(Column.AVG_LATENCY), 1e-9);
        assertEquals(1.5, report.figures().get(Column.P99_LATENCY), 1e-9);
        assertEquals(768.0, report.figures().get(Column.THROUGHPUT));
        assertEquals(List.of("Socket errors: connect 0, read 3, write 0, timeout 2", "Non-2xx or 3xx responses: 15"), report.errorLines(),
                "the client's own breakdown, for bench to print");
    }

    @Test
    void ab() throws Exception {
        ClientReport report = ClientReport.parse(LoadClient.AB, output("ab-keepalive.txt"));
        assertEquals(143, report.requests());
        assertEquals(1.001, report.seconds());
        assertEquals(142.84, report.figures().get(Column.QPS));
        assertEquals(14.002, report.figures().get(Column.AVG_LATENCY), "per request as each client waited, not across all");
        assertEquals(37.0, report.figures().get(Column.P99_LATENCY));
        assertEquals(7569.73, report.figures().get(Column.THROUGHPUT));
        assertEquals(0.0, report.figures().get(Column.ERROR_RATE));
        assertEquals(List.of(), report.errorLines(), "no errors, nothing to break down");
    }

    @Test
    void anOutputThatIsNoReportSaysWhatIsMissing() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> ClientReport.parse(LoadClient.AB, "ab: invalid URL\nUsage: ab [options]")).getMessage();
        assertTrue(message.contains("Complete requests") && message.contains("ab: invalid URL"), message);
    }

    @Test
    void eachScenarioRunsItsClientAsTheStudyDid() {
        URI url = URI.create("http://127.0.0.1:8080/");
        Path wrk = Path.of("/usr/bin/wrk");
        Path ab = Path.of("/usr/bin/ab");
        assertEquals(List.of("/usr/bin/wrk", "-t", "2", "-c", "100", "-d", "30s", "--latency", "http://127.0.0.1:8080/"),
                LoadClient.WRK.commandLine(wrk, Scenario.KEEPALIVE_WRK, url, Duration.ofSeconds(30), 100, 2));
        assertEquals(List.of("/usr/bin/wrk", "-t", "2", "-c", "100", "-d", "30s", "--latency", "-H", "Connection: close",
                "http://127.0.0.1:8080/"), LoadClient.WRK.commandLine(wrk, Scenario.CLOSE_WRK, url, Duration.ofSeconds(30), 100, 2));
        assertEquals(List.of("/usr/bin/ab", "-q", "-t", "30", "-n", "6000000", "-c", "100", "-k", "http://127.0.0.1:8080/"),
                LoadClient.AB.commandLine(ab, Scenario.KEEPALIVE_AB, url, Duration.ofSeconds(30), 100, 2));
        assertEquals(List.of("/usr/bin/ab", "-q", "-t", "30", "-n", "6000000", "-c", "100", "http://127.0.0.1:8080/"),
                LoadClient.AB.commandLine(ab, Scenario.CLOSE_AB, url, Duration.ofSeconds(30), 100, 2));
        assertEquals(LoadClient.WRK, LoadClient.of(Scenario.CLOSE_WRK));
    }

    @Test
    void aMissingClientNamesThePackageToInstall() {
        assertEquals("wrk is not installed (not on the PATH): install it, e.g. apt-get install wrk",
                assertThrows(IllegalArgumentException.class, () -> LoadClient.WRK.find("/nonexistent")).getMessage());
        assertEquals("ab is not installed (not on the PATH): install it, e.g. apt-get install apache2-utils",
                assertThrows(IllegalArgumentException.class, () -> LoadClient.AB.find("")).getMessage());
    }
}
