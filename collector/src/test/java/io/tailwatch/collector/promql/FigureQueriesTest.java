package io.tailwatch.collector.promql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tailwatch.collector.table.Column;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The expressions' shape; CollectorEndToEndIT evaluates every one of them in a real Prometheus. */
class FigureQueriesTest {

    @Test
    void theSelectorsMatchersJoinEveryMetricsOwn() {
        Map<Column, String> q = new FigureQueries("{job=\"api\", env=~\"prod|eu\"}", Duration.ofSeconds(30), null).figures();
        assertEquals("100 * (sum (rate(http_server_request_duration_seconds_count{job=\"api\", env=~\"prod|eu\",error_type!=\"\"}[30000ms]))"
                + " or 0 * sum (rate(http_server_request_duration_seconds_count{job=\"api\", env=~\"prod|eu\"}[30000ms])))"
                + " / sum (rate(http_server_request_duration_seconds_count{job=\"api\", env=~\"prod|eu\"}[30000ms]))", q.get(Column.ERROR_RATE));
        assertEquals(Column.values().length, q.size(), "every column has an expression");
    }

    @Test
    void quantilesSumBucketsByLeAndTheGroupingLabelNeverAverageInstances() {
        Map<Column, String> q = new FigureQueries("{}", Duration.ofMinutes(1), "instance").figures();
        assertEquals("1000 * histogram_quantile(0.99, sum by (le, instance) (rate(http_server_request_duration_seconds_bucket{}[60000ms])))",
                q.get(Column.P99_LATENCY));
        assertTrue(q.get(Column.AVG_LATENCY).startsWith("1000 * sum by (instance) (rate(http_server_request_duration_seconds_sum{}"),
                q.get(Column.AVG_LATENCY));
        assertEquals("sum by (instance) (http_server_request_duration_seconds_count{})",
                new FigureQueries("{}", Duration.ofMinutes(1), "instance").requestsTotal());
    }

    @Test
    void aSelectorWithoutBracesIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FigureQueries("job=\"api\"", Duration.ofSeconds(1), null));
        assertTrue(e.getMessage().startsWith("--selector must be label matchers in braces"), e.getMessage());
    }
}
