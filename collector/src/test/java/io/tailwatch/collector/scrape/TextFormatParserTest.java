package io.tailwatch.collector.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextFormatParserTest {

    private static Snapshot parse(String text) {
        return TextFormatParser.parse("test", 0, Instant.EPOCH, text);
    }

    @Test
    void readsNamesLabelsValuesAndTypes() {
        Snapshot s = parse("""
                # HELP http_server_request_duration_seconds Request duration.
                # TYPE http_server_request_duration_seconds histogram
                http_server_request_duration_seconds_bucket{http_request_method="GET",le="0.005"} 3.0
                http_server_request_duration_seconds_bucket{http_request_method="GET",le="+Inf"} 4.0
                http_server_request_duration_seconds_count{http_request_method="GET"} 4.0
                # TYPE process_cpu_seconds counter
                process_cpu_seconds_total 1.25
                jvm_cpu_count 2
                """);
        assertEquals(4.0, s.sum("http_server_request_duration_seconds_count"));
        assertEquals("+Inf", s.samples("http_server_request_duration_seconds_bucket").get(1).label("le"));
        assertEquals("GET", s.samples("http_server_request_duration_seconds_count").get(0).label("http_request_method"));
        assertTrue(s.isCumulative("http_server_request_duration_seconds_bucket"));
        assertTrue(s.isCumulative("http_server_request_duration_seconds_count"));
        assertTrue(s.isCumulative("process_cpu_seconds_total"));
        assertTrue(!s.isCumulative("jvm_cpu_count"));
        assertEquals(2.0, s.max("jvm_cpu_count"));
    }

    @Test
    void unescapesLabelValuesThatHoldQuotesBracesCommasAndNewlines() {
        Snapshot s = parse("m{a=\"x\\\"},{y\",b=\"back\\\\slash\",c=\"two\\nlines\"} 1\n");
        Map<String, String> labels = s.samples("m").get(0).labels();
        assertEquals("x\"},{y", labels.get("a"));
        assertEquals("back\\slash", labels.get("b"));
        assertEquals("two\nlines", labels.get("c"));
    }

    @Test
    void seriesWhoseLabelValuesLookLikeOtherLabelsStayApart() {
        Snapshot s = parse("m{a=\"1, b=2\"} 1\nm{a=\"1\",b=\"2\"} 2\nm{a=\"x\\ny=1\"} 3\nm{a=\"x\",y=\"1\"} 4\n");
        assertEquals(4, s.samples("m").stream().map(Sample::seriesKey).distinct().count());
        for (Sample sample : s.samples("m")) {
            assertEquals(sample.value(), s.sameSeries(sample).value());
        }
    }

    @Test
    void readsSpecialValuesTimestampsTrailingCommasAndOpenMetricsEndings() {
        Snapshot s = parse("""
                a NaN
                b +Inf
                c -Inf 1700000000000
                d{x="1",} 2.5e-3
                e_total 7 # {trace_id="abc"} 1.0
                # EOF
                """);
        assertTrue(Double.isNaN(s.max("a")));
        assertEquals(Double.POSITIVE_INFINITY, s.max("b"));
        assertEquals(Double.NEGATIVE_INFINITY, s.max("c"));
        assertEquals(0.0025, s.max("d"));
        assertEquals(7.0, s.max("e_total"));
    }

    @Test
    void aMalformedLineIsAnErrorNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("ok 1\nbad{a=\"1\" 2\n"));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("x one\n"));
        assertThrows(IllegalArgumentException.class, () -> parse("x{a=\"unterminated} 1\n"));
        assertThrows(IllegalArgumentException.class, () -> parse("x 1 2 3\n"));
    }

    @Test
    void aTargetIsTheAgentsMetricsPathUnlessItNamesAnother() {
        assertEquals("http://127.0.0.1:9464/metrics", MetricsFetcher.targetUri("127.0.0.1:9464").toString());
        assertEquals("http://h:9464/metrics", MetricsFetcher.targetUri("http://h:9464/").toString());
        assertEquals("https://h/x/metrics", MetricsFetcher.targetUri("https://h/x/metrics").toString());
        assertThrows(IllegalArgumentException.class, () -> MetricsFetcher.targetUri("ftp://h/metrics"));
    }
}
