package io.tailwatch.agent.recording;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecordingTest {
    private static final int GET = HttpMethods.indexOf("GET");

    @Test
    void readHarvestsBeforeTheReaderRuns() {
        Recording recording = new Recording(100, 60_000_000_000L, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        recording.http().recordRequest(GET, 200, null, 5_000_000, -1, 10);
        recording.http().recordQueue(1_000);
        recording.http().recordAllocation(4096);
        recording.connections().firstRequest(700);
        recording.connections().closed(9_000, 3);

        AtomicLong durations = new AtomicLong(-1);
        AtomicLong window = new AtomicLong(-1);
        AtomicLong queue = new AtomicLong(-1);
        AtomicLong queueWindow = new AtomicLong(-1);
        AtomicLong allocated = new AtomicLong(-1);
        AtomicLong setup = new AtomicLong(-1);
        AtomicLong lifetime = new AtomicLong(-1);
        AtomicLong requests = new AtomicLong(-1);
        recording.read(r -> {
            durations.set(r.http().durations().cumulative().getTotalCount());
            window.set(r.http().durationWindow().snapshot().getTotalCount());
            queue.set(r.http().queue().cumulative().getTotalCount());
            queueWindow.set(r.http().queueWindow().snapshot().getTotalCount());
            allocated.set(r.http().allocated().cumulative().getTotalCount());
            setup.set(r.connections().setup().cumulative().getTotalCount());
            lifetime.set(r.connections().lifetime().cumulative().getTotalCount());
            requests.set(r.connections().requests().cumulative().getCountAtValue(3));
        });
        assertEquals(1, durations.get());
        assertEquals(1, window.get());
        assertEquals(1, queue.get());
        assertEquals(1, queueWindow.get());
        assertEquals(1, allocated.get());
        assertEquals(1, setup.get());
        assertEquals(1, lifetime.get());
        assertEquals(1, requests.get());
    }

    @Test
    void harvestMovesValuesIntoCumulative() {
        Recording recording = new Recording(100, 60_000_000_000L, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        recording.http().recordRequest(GET, 200, null, 5_000_000, -1, 10);
        Distribution all = recording.http().durations();
        assertEquals(0, all.cumulative().getTotalCount());
        recording.harvest();
        assertEquals(1, all.cumulative().getTotalCount());
        recording.harvest();
        assertEquals(1, all.cumulative().getTotalCount());
    }

    @Test
    void activeRequestsAndOpenConnections() {
        Recording recording = new Recording(100, 60_000_000_000L, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        HttpServerRecorder http = recording.http();
        http.requestBegan();
        http.requestBegan();
        assertEquals(2, http.active());
        http.requestEnded();
        assertEquals(1, http.active());

        ConnectionRecorder c = recording.connections();
        c.accepted();
        c.opened();
        c.opened();
        assertEquals(1, c.acceptedCount());
        assertEquals(2, c.open());
        c.closed(1, 1);
        assertEquals(1, c.open());
    }

    @Test
    void installAndCurrent() {
        Recording before = Recording.current();
        Recording recording = new Recording(10, 6_000_000_000L, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        try {
            Recording.install(recording);
            assertEquals(recording, Recording.current());
        } finally {
            Recording.install(before);
        }
    }
}
