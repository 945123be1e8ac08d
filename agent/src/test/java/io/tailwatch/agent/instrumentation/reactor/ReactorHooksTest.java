package io.tailwatch.agent.instrumentation.reactor;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReactorHooksTest {
    private Recording recording;

    @BeforeEach
    void install() {
        recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
        Recording.install(recording);
        CurrentRequest.want();
    }

    @AfterEach
    void uninstall() {
        Recording.install(null);
    }

    @Test
    void onlyATaskScheduledAtOnceWhileARequestIsPublishedIsAHandOff() throws Exception {
        Runnable task = () -> { };
        assertSame(task, ReactorHooks.scheduling(task, 0), "no request published");
        ServerRequest request = new ServerRequest();
        assertTrue(request.begin(null, System.nanoTime(), "GET", -1));
        CurrentRequest.enter(request);
        try {
            assertSame(task, ReactorHooks.scheduling(task, 5), "a delayed task waits for its time, not for a worker");
            assertFalse(request.handedOff());
            AtomicReference<ServerRequest> seen = new AtomicReference<>();
            Runnable handedOff = ReactorHooks.scheduling(() -> seen.set(CurrentRequest.current()), 0);
            assertTrue(request.handedOff());
            CurrentRequest.exit(null);
            Thread.sleep(20);
            Thread worker = new Thread(handedOff);
            worker.start();
            worker.join();
            assertSame(request, seen.get(), "published while the task runs");
        } finally {
            CurrentRequest.exit(null);
        }
        recording.read(r -> {
            assertEquals(1, r.http().queue().cumulative().getTotalCount());
            assertTrue(r.http().queue().sum() >= 20_000_000L, "the 20 ms the task waited");
        });
        request.end(System.nanoTime());
        assertNull(CurrentRequest.current());
    }

    @Test
    void aTaskThatRunsAfterItsRequestEndedMarksNothing() {
        ServerRequest request = new ServerRequest();
        assertTrue(request.begin(null, 1_000, "GET", -1));
        CurrentRequest.enter(request);
        Runnable handedOff = ReactorHooks.scheduling(() -> { }, 0);
        CurrentRequest.exit(null);
        request.end(2_000);
        assertTrue(request.begin(null, 3_000, "GET", -1));
        handedOff.run();
        recording.read(r -> assertEquals(0, r.http().queue().cumulative().getTotalCount()));
    }

    @Test
    void theQueueTimeIsTheWaitAfterTheHandOff() {
        ServerRequest request = new ServerRequest();
        assertTrue(request.begin(null, 1_000, "GET", -1));
        assertEquals(1_000 + 500, ReactorHooks.startAfterWait(request, 4_000, 4_500));
        assertEquals(1_000, ReactorHooks.startAfterWait(request, 4_000, 3_900), "never negative");
    }
}
