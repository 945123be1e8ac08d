package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The worker-thread hooks used when the JDK server was loaded before the agent: each request is
 * counted once, whichever of the response's end and the task's end comes first, and events of an
 * exchange this thread did not begin change nothing.
 */
class JdkHttpServerAttachedHooksTest {
    private final Recording recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
    private Recording previous;

    @BeforeEach
    void install() {
        previous = Recording.current();
        Recording.install(recording);
    }

    @AfterEach
    void restore() {
        Recording.install(previous);
    }

    private List<RequestSeries> series() {
        AtomicReference<List<RequestSeries>> all = new AtomicReference<>();
        recording.read(r -> all.set(r.http().series().all()));
        return all.get();
    }

    private long count(String status) {
        long n = 0;
        for (RequestSeries s : series()) {
            if (status.equals(s.statusCode())) {
                long[] cumulative = s.duration().cumulativeCounts();
                n += cumulative[cumulative.length - 1];
            }
        }
        return n;
    }

    @Test
    void aResponseFinishedOnTheWorkerIsCountedOnceWithItsStatusAndBody() {
        Object exchange = new Object();
        long mark = JdkHttpServerAttachedHooks.taskStarted();
        JdkHttpServerAttachedHooks.requestParsed(exchange, "GET", -1);
        assertEquals(1, recording.http().active());
        JdkHttpServerAttachedHooks.responseStatus(exchange, 200);
        JdkHttpServerAttachedHooks.responseBodyWritten(exchange, 13);
        JdkHttpServerAttachedHooks.responseBodyWritten(new Object(), 1000);
        JdkHttpServerAttachedHooks.responseFinished(exchange);
        assertEquals(0, recording.http().active());
        JdkHttpServerAttachedHooks.taskEnded(mark, null);

        assertEquals(1, count("200"));
        assertEquals(13, series().get(0).responseBodyBytes(), "the other exchange's bytes are not this request's");
        assertEquals(0, recording.http().queue().cumulative().getTotalCount(), "no queue time is claimed");
    }

    @Test
    void aRequestStillOpenWhenItsTaskReturnsEndsThereAndOnlyThere() {
        Object exchange = new Object();
        long mark = JdkHttpServerAttachedHooks.taskStarted();
        JdkHttpServerAttachedHooks.requestParsed(exchange, "GET", -1);
        JdkHttpServerAttachedHooks.taskEnded(mark, null);
        assertEquals(0, recording.http().active());
        // The response completes later: nothing more is counted.
        JdkHttpServerAttachedHooks.responseStatus(exchange, 200);
        JdkHttpServerAttachedHooks.responseFinished(exchange);
        assertEquals(1, series().size());
        assertEquals(0, count("200"));
    }

    @Test
    void aThrowingHandlerIsCountedOnceWithItsErrorType() {
        Object exchange = new Object();
        long mark = JdkHttpServerAttachedHooks.taskStarted();
        JdkHttpServerAttachedHooks.requestParsed(exchange, "POST", 10);
        JdkHttpServerAttachedHooks.handlerThrew(new IllegalStateException("boom"));
        JdkHttpServerAttachedHooks.taskEnded(mark, null);
        List<RequestSeries> all = series();
        assertEquals(1, all.size());
        assertEquals("java.lang.IllegalStateException", all.get(0).errorType());
        assertEquals("POST", all.get(0).method());
    }

    @Test
    void aTaskThatReadNoRequestCountsNothing() {
        long mark = JdkHttpServerAttachedHooks.taskStarted();
        JdkHttpServerAttachedHooks.responseFinished(new Object());
        JdkHttpServerAttachedHooks.taskEnded(mark, new java.io.IOException("closed"));
        assertEquals(0, series().size());
        assertEquals(0, recording.http().active());
    }

    @Test
    void aRequestTheServerRejectsIsCountedWithItsStatus() {
        long mark = JdkHttpServerAttachedHooks.taskStarted();
        JdkHttpServerAttachedHooks.rejected(400, "BROKEN");
        JdkHttpServerAttachedHooks.taskEnded(mark, null);
        assertEquals(1, count("400"));
    }
}
