package io.tailwatch.agent.recording;

import io.tailwatch.agent.config.AgentConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Request threads record while the harvester reads, as in production: every value is counted
 * exactly once, and no writer can be left spinning (HdrHistogram's packed concurrent recorder can
 * hang two writers in 2.2.2, which is why the recorders are not packed; the timeout only catches
 * such a hang and is far above the run's normal length).
 */
class ConcurrentRecordingTest {
    private static final int THREADS = 4;
    private static final int PER_THREAD = 200_000;

    @Test
    void concurrentWritersAndHarvestsCountEveryRequestOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            Recording recording = new Recording(1000, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
            HttpServerRecorder http = recording.http();
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int seed = t;
                Thread w = new Thread(() -> {
                    await(start);
                    for (int i = 0; i < PER_THREAD; i++) {
                        // Values spread over six decades, so that every part of the histograms is written.
                        long nanos = 1_000L << ((i + seed) % 30);
                        http.recordRequest(HttpMethods.indexOf("GET"), 200 + (i % 3), null, nanos, -1, 10);
                        http.recordQueue(nanos / 2);
                        http.recordAllocation(i);
                    }
                });
                writers.add(w);
                w.start();
            }
            Thread harvester = new Thread(() -> {
                while (writing.get()) {
                    recording.harvest();
                }
            });
            harvester.start();
            start.countDown();
            for (Thread w : writers) {
                w.join();
            }
            writing.set(false);
            harvester.join();

            long[] total = {0};
            long[] hdr = {0};
            recording.read(r -> {
                for (RequestSeries s : r.http().series().all()) {
                    long[] counts = s.duration().cumulativeCounts();
                    total[0] += counts[counts.length - 1];
                }
                hdr[0] = r.http().durations().cumulative().getTotalCount();
                assertEquals((long) THREADS * PER_THREAD, r.http().queue().cumulative().getTotalCount());
                assertEquals((long) THREADS * PER_THREAD, r.http().allocated().cumulative().getTotalCount());
            });
            assertEquals((long) THREADS * PER_THREAD, total[0], "bucket counts");
            assertEquals((long) THREADS * PER_THREAD, hdr[0], "instance-wide histogram");
            assertEquals(0, http.active());
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
