package io.tailwatch.collector.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tailwatch.collector.scrape.Snapshot;
import io.tailwatch.collector.scrape.TextFormatParser;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {

    private static Snapshot at(long millis, double requests) {
        return TextFormatParser.parse("t", millis * 1_000_000, Instant.EPOCH,
                "# TYPE r counter\nr_total " + requests + "\n");
    }

    @Test
    void keepsTheNewestSnapshotsSpanningAtLeastTheLength() {
        SlidingWindow sliding = new SlidingWindow(Duration.ofSeconds(3));
        sliding.add(at(0, 0));
        assertEquals(0.0, sliding.window().seconds());
        for (int second = 1; second <= 10; second++) {
            sliding.add(at(second * 1000L, second * 100.0));
        }
        Window window = sliding.window();
        // Seconds 7 to 10: the newest snapshot at least 3 s older than the newest is the oldest kept.
        assertEquals(4, window.snapshots().size());
        assertEquals(3.0, window.seconds());
        assertEquals(300.0, window.increase("r_total"));
    }

    @Test
    void anIrregularIntervalStillCoversTheLength() {
        SlidingWindow sliding = new SlidingWindow(Duration.ofSeconds(3));
        for (long millis : new long[] {0, 1000, 2500, 5200, 5300}) {
            sliding.add(at(millis, millis));
        }
        // 2500 is only 2.8 s before 5300: the window reaches back to 1000, the newest at least 3 s older.
        Window window = sliding.window();
        assertEquals(1000, window.snapshots().get(0).nanoTime() / 1_000_000);
        assertEquals(4.3, window.seconds(), 1e-9);
    }
}
