package io.tailwatch.agent.jvm;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class JfrSlowRequestsTest {
    @Test
    void aSlowRequestIsAJfrEventThatARecordingSees() throws Exception {
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(10);
        try (RecordingStream stream = new RecordingStream()) {
            stream.enable("tailwatch.SlowRequest");
            stream.onEvent("tailwatch.SlowRequest", e -> seen.add(describe(e)));
            stream.startAsync();
            JfrSlowRequests slow = new JfrSlowRequests(500_000_000L);
            assertEquals(500_000_000L, slow.thresholdNanos());
            slow.slowRequest("GET", "/owners/{ownerId}", 200, 750_000_000L, 120_000_000L);
            String event = seen.poll(20, TimeUnit.SECONDS);
            assertNotNull(event, "no tailwatch.SlowRequest event within 20 s");
            assertEquals("GET /owners/{ownerId} 200 750 ms, 120 ms paused", event);
        }
    }

    private static String describe(RecordedEvent e) {
        return e.getString("method") + " " + e.getString("route") + " " + e.getInt("status") + " "
                + Duration.ofNanos(e.getLong("requestDuration")).toMillis() + " ms, "
                + Duration.ofNanos(e.getLong("pauseOverlap")).toMillis() + " ms paused";
    }
}
