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
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * Connections close on another thread while scrapes read: within one scrape, the open gauge and
     * the requests-per-connection histogram agree (a reader that waited for the gauge to reach zero
     * once read the histogram one connection short, when the close was counted before it was
     * recorded).
     */
    @Test
    void theOpenGaugeAndTheConnectionHistogramOfOneScrapeAgree() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            int connections = 300_000;
            Recording recording = new Recording(10, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
            ConnectionRecorder c = recording.connections();
            for (int i = 0; i < connections; i++) {
                c.opened();
            }
            Thread closer = new Thread(() -> {
                for (int i = 0; i < connections; i++) {
                    c.closed(1_000, 2);
                }
            });
            closer.start();
            long scrapes = 0;
            boolean done = false;
            while (!done) {
                done = !closer.isAlive();
                long[] seen = new long[3];
                recording.read(r -> {
                    seen[0] = r.connections().openAtHarvest();
                    seen[1] = r.connections().requests().cumulative().getTotalCount();
                    seen[2] = r.connections().requests().sum();
                });
                assertEquals(connections, seen[0] + seen[1], seen[0] + " open, " + seen[1] + " in the histogram");
                assertTrue(seen[2] >= 2 * seen[1], seen[2] + " requests in the sum, " + seen[1] + " connections in the histogram");
                scrapes++;
            }
            closer.join();
            long[] last = new long[2];
            recording.read(r -> {
                last[0] = r.connections().openAtHarvest();
                last[1] = r.connections().requests().cumulative().getTotalCount();
            });
            assertEquals(0, last[0]);
            assertEquals(connections, last[1]);
            assertTrue(scrapes > 1, "scrapes while closing: " + scrapes);
        });
    }

    /**
     * Requests end on another thread while scrapes read: within one scrape, the active gauge and the
     * series counts agree, so that a reader that waits for no active request finds every request
     * counted, and one that waits for the counts finds none still active.
     */
    @Test
    void theActiveGaugeAndTheSeriesOfOneScrapeAgree() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            int requests = 300_000;
            Recording recording = new Recording(10, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
            ServerRequest[] inFlight = new ServerRequest[requests];
            for (int i = 0; i < requests; i++) {
                inFlight[i] = new ServerRequest();
                inFlight[i].begin(recording.http(), null, 0L, HttpMethods.indexOf("GET"), -1);
            }
            Thread ender = new Thread(() -> {
                for (ServerRequest r : inFlight) {
                    r.status(200);
                    r.end(1_000L);
                }
            });
            ender.start();
            long scrapes = 0;
            boolean done = false;
            while (!done) {
                done = !ender.isAlive();
                long[] seen = new long[2];
                recording.read(r -> {
                    for (RequestSeries s : r.http().series().all()) {
                        long[] counts = s.duration().cumulativeCounts();
                        seen[0] += counts[counts.length - 1];
                    }
                    seen[1] = r.http().activeBeside(seen[0]);
                });
                assertEquals(requests, seen[0] + seen[1], seen[0] + " requests counted, " + seen[1] + " active");
                scrapes++;
            }
            ender.join();
            assertTrue(scrapes > 1, "scrapes while ending: " + scrapes);
            assertEquals(0, recording.http().active());
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
