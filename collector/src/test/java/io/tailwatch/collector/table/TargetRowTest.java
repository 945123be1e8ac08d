package io.tailwatch.collector.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tailwatch.collector.scrape.Snapshot;
import io.tailwatch.collector.scrape.TextFormatParser;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The table's arithmetic on real scrapes of an agent (src/test/resources/scrapes), 10 s apart. The
 * expected figures are worked by hand from the raw values quoted in each case and from what ab and
 * curl sent (the resources' README).
 */
class TargetRowTest {

    private static final double MB = 1024 * 1024;

    private static TargetRow row(int from, int to) {
        return TargetRow.of("recorded", RecordedScrapes.window(from, to));
    }

    @Test
    void keepAliveWindowFromAFreshStart() {
        TargetRow row = row(0, 1);
        assertEquals(10.0, row.windowSeconds());
        assertEquals(0, row.restarts());
        // No duration series exists before the first request: both label sets grew from zero.
        // ab's 2000 GETs of /hello (200) and curl's 5 of /error (500, error_type="500").
        assertEquals(2005, row.requests());
        assertEquals(2005, row.requestsTotal());
        Figures f = row.figures();
        assertEquals(200.5, f.get(Column.QPS), 1e-9);
        // _sum: 0.761607846 (200) + 0.002768093 (500) seconds over 2005 requests.
        assertEquals(1000 * (0.761607846 + 0.002768093) / 2005, f.get(Column.AVG_LATENCY), 1e-9);
        // Buckets summed by le: 1892 at 1 ms, 2001 at 2.5 ms, 2005 in all. Rank 0.99 * 2005 = 1984.95
        // falls in (1, 2.5] ms, 92.95 into its 109: 1 + 1.5 * 92.95 / 109 ms.
        assertEquals(1 + 1.5 * 92.95 / 109, f.get(Column.P99_LATENCY), 1e-9);
        assertEquals(100.0 * 5 / 2005, f.get(Column.ERROR_RATE), 1e-9);
        // Response bodies: 26000 bytes (2000 x "hello, world\n") + 35 (5 x "failed\n"), per 10 s, in KiB.
        assertEquals((26000 + 35) / 10.0 / 1024, f.get(Column.THROUGHPUT), 1e-9);
        // 9 connections (ab's 4 and curl's 5), 0.073546804 s of setup in all.
        assertEquals(1000 * 0.073546804 / 9, f.get(Column.CONN_SETUP), 1e-9);
        // 9 closed connections carried 2005 requests.
        assertEquals(100 * (1 - 9.0 / 2005), f.get(Column.CONN_REUSE), 1e-9);
        // RSS 1.12893952E8 at the start, 1.0323968E8 after: the larger.
        assertEquals(1.12893952E8 / MB, f.get(Column.MEMORY), 1e-9);
        // process_cpu_seconds_total 1.29 -> 2.52 in 10 s on 2 cores.
        assertEquals(100 * (2.52 - 1.29) / 10 / 2, f.get(Column.CPU), 1e-9);
        // One pause (jcmd GC.run, 22.5 ms) in the (10, 25] ms bucket: 10 + 15 * 0.99 ms.
        assertEquals(10 + 15 * 0.99, f.get(Column.GC_PAUSE_P99), 1e-9);
        assertEquals(22.499187, f.get(Column.GC_PAUSE_MAX), 1e-9);
        assertEquals(0.0, f.get(Column.PAUSED_REQUESTS));
    }

    @Test
    void connectionCloseWindowHasNoReuseAndOnePausedRequest() {
        TargetRow row = row(1, 2);
        assertEquals(1000, row.requests());
        assertEquals(3005, row.requestsTotal());
        Figures f = row.figures();
        assertEquals(100.0, f.get(Column.QPS), 1e-9);
        assertEquals(0.0, f.get(Column.ERROR_RATE), "no error in the window: 0 %, not no figure");
        // 1009 - 9 connections closed carrying 3005 - 2005 requests: one each.
        assertEquals(0.0, f.get(Column.CONN_REUSE), 1e-9);
        assertEquals(1000 * (0.141655443 - 0.073546804) / 1000, f.get(Column.CONN_SETUP), 1e-9);
        // Only the young pause (1.2 ms) is new; the full one's buckets did not grow: (1, 2.5] ms.
        assertEquals(1 + 1.5 * 0.99, f.get(Column.GC_PAUSE_P99), 1e-9);
        // The gauge is the agent's window: the full pause of the previous window is still the longest.
        assertEquals(22.499187, f.get(Column.GC_PAUSE_MAX), 1e-9);
        assertEquals(100.0 * 1 / 1000, f.get(Column.PAUSED_REQUESTS), 1e-9);
        assertEquals(100 * (2.86 - 2.52) / 10 / 2, f.get(Column.CPU), 1e-9);
    }

    @Test
    void aRestartedTargetCountsFromZero() {
        TargetRow row = row(2, 3);
        assertEquals(1, row.restarts());
        // 3000 -> 300 GETs: the new process's 300 are the window's, not -2700.
        assertEquals(300, row.requests());
        assertEquals(300, row.requestsTotal());
        Figures f = row.figures();
        assertEquals(30.0, f.get(Column.QPS), 1e-9);
        // process_cpu_seconds_total 2.86 -> 2.23: the new process's 2.23 s.
        assertEquals(100 * 2.23 / 10 / 2, f.get(Column.CPU), 1e-9);
        // ab -k -c 2: two connections for 300 requests.
        assertEquals(100 * (1 - 2.0 / 300), f.get(Column.CONN_REUSE), 1e-9);
        assertTrue(Double.isNaN(f.get(Column.GC_PAUSE_P99)), "no pause in the new process: no figure");
        assertEquals(0.0, f.get(Column.ERROR_RATE));
    }

    @Test
    void aWindowOverSeveralScrapesSumsItsStepsThroughTheRestart() {
        TargetRow row = row(0, 3);
        assertEquals(30.0, row.windowSeconds());
        assertEquals(1, row.restarts());
        assertEquals(2005 + 1000 + 300, row.requests());
        assertEquals((2005 + 1000 + 300) / 30.0, row.figures().get(Column.QPS), 1e-9);
        assertEquals(100.0 * 5 / 3305, row.figures().get(Column.ERROR_RATE), 1e-9);
        // Connections: 9, then 1000, then the new process's 2; requests they carried 2005, 1000, 300.
        assertEquals(100 * (1 - 1011.0 / 3305), row.figures().get(Column.CONN_REUSE), 1e-9);
        // CPU: 1.23 + 0.34 + 2.23 s over 30 s on 2 cores.
        assertEquals(100 * (1.23 + 0.34 + 2.23) / 30 / 2, row.figures().get(Column.CPU), 1e-9);
    }

    @Test
    void oneSnapshotGivesGaugesButNoRates() {
        TargetRow row = row(1, 1);
        assertEquals(0.0, row.windowSeconds());
        assertEquals(0, row.requests());
        assertTrue(Double.isNaN(row.figures().get(Column.QPS)));
        assertTrue(Double.isNaN(row.figures().get(Column.P99_LATENCY)));
        assertEquals(1.0323968E8 / MB, row.figures().get(Column.MEMORY), 1e-9);
        assertEquals(22.499187, row.figures().get(Column.GC_PAUSE_MAX), 1e-9);
    }

    @Test
    void aSeriesThatWentDownAloneWasResetWhileTheOthersContinue() {
        Snapshot before = parse(0, "# TYPE c counter\nc_total{k=\"a\"} 100\nc_total{k=\"b\"} 50\n");
        Snapshot after = parse(1, "# TYPE c counter\nc_total{k=\"a\"} 130\nc_total{k=\"b\"} 20\n");
        Window window = new Window(List.of(before, after));
        // A decrease means the process restarted: every series counts from zero at that step.
        assertEquals(1, window.restarts());
        assertEquals(150.0, window.increase("c_total"));
        Snapshot later = parse(2, "# TYPE c counter\nc_total{k=\"a\"} 131\nc_total{k=\"b\"} 25\nc_total{k=\"new\"} 4\n");
        assertEquals(1 + 5 + 4, new Window(List.of(after, later)).increase("c_total"));
        // Gauges going down are not restarts.
        Snapshot g1 = parse(0, "# TYPE g gauge\ng 10\n# TYPE c counter\nc_total 1\n");
        Snapshot g2 = parse(1, "# TYPE g gauge\ng 5\n# TYPE c counter\nc_total 2\n");
        assertEquals(0, new Window(List.of(g1, g2)).restarts());
    }

    @Test
    void connectionsClosedWithoutARequestDoNotMakeReuseNegative() {
        String before = "# TYPE tailwatch_connection_requests histogram\ntailwatch_connection_requests_count 0\n"
                + "tailwatch_connection_requests_sum 0\n";
        // Connection: close, 1000 requests on 1000 connections, and 2 connections closed before a request.
        String after = "# TYPE tailwatch_connection_requests histogram\ntailwatch_connection_requests_count 1002\n"
                + "tailwatch_connection_requests_sum 1000\n";
        TargetRow row = TargetRow.of("t", new Window(List.of(parse(0, before), parse(1, after))));
        assertEquals(0.0, row.figures().get(Column.CONN_REUSE));
        assertTrue(Double.isNaN(TargetRow.of("t", new Window(List.of(parse(0, before), parse(1, before))))
                .figures().get(Column.CONN_REUSE)), "no connection closed: no figure");
    }

    private static Snapshot parse(int second, String text) {
        return TextFormatParser.parse("t", second * 1_000_000_000L, Instant.EPOCH, text);
    }
}
