package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.recording.InstalledRecording;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker-thread hooks used when the JDK server was loaded before the agent: each request is
 * counted once, whichever of the response's end and the task's end comes first, on whichever thread
 * the response finishes, and events of an exchange this thread did not begin are not its request's.
 */
class JdkHttpServerAttachedHooksTest {
    @RegisterExtension
    final InstalledRecording installed = new InstalledRecording();
    private final Recording recording = installed.recording();

    private List<RequestSeries> series() {
        return installed.series();
    }

    private long count(String status) {
        return installed.count(status);
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
    void aResponseFinishedOnAnotherThreadAfterItsTaskReturnedIsCountedOnceWithItsStatusAndBody() throws Exception {
        int waiting = JdkHttpHandOffs.waiting();
        Object exchange = new Object();
        long mark = JdkHttpServerAttachedHooks.taskStarted();
        JdkHttpServerAttachedHooks.requestParsed(exchange, "GET", -1);
        JdkHttpServerAttachedHooks.taskEnded(mark, null);
        assertEquals(1, recording.http().active(), "the handler handed the exchange on: the request is still open");
        onAnotherThread(() -> {
            JdkHttpServerAttachedHooks.responseStatus(exchange, 200);
            JdkHttpServerAttachedHooks.responseBodyWritten(exchange, 13);
            JdkHttpServerAttachedHooks.responseFinished(exchange);
        });
        assertEquals(0, recording.http().active());
        assertEquals(1, count("200"));
        assertEquals(13, series().get(0).responseBodyBytes());
        assertEquals(waiting, JdkHttpHandOffs.waiting(), "both halves met and left");
    }

    @Test
    void aResponseFinishedOnAnotherThreadBeforeItsTaskReturnedIsCountedOnce() throws Exception {
        int waiting = JdkHttpHandOffs.waiting();
        Object exchange = new Object();
        long mark = JdkHttpServerAttachedHooks.taskStarted();
        JdkHttpServerAttachedHooks.requestParsed(exchange, "GET", -1);
        JdkHttpServerAttachedHooks.responseStatus(exchange, 201);
        onAnotherThread(() -> {
            JdkHttpServerAttachedHooks.responseBodyWritten(exchange, 7);
            JdkHttpServerAttachedHooks.responseFinished(exchange);
        });
        assertEquals(1, recording.http().active(), "the response's half waits for its request's");
        JdkHttpServerAttachedHooks.taskEnded(mark, null);
        assertEquals(0, recording.http().active());
        assertEquals(1, count("201"), "the status the worker sent, the end the other thread saw");
        assertEquals(7, series().get(0).responseBodyBytes());
        assertEquals(waiting, JdkHttpHandOffs.waiting());

        // The worker's next request is measured apart from the one it handed on.
        Object next = new Object();
        mark = JdkHttpServerAttachedHooks.taskStarted();
        JdkHttpServerAttachedHooks.requestParsed(next, "GET", -1);
        JdkHttpServerAttachedHooks.responseStatus(next, 200);
        JdkHttpServerAttachedHooks.responseFinished(next);
        JdkHttpServerAttachedHooks.taskEnded(mark, null);
        assertEquals(1, count("200"));
        assertEquals(1, count("201"));
    }

    @Test
    void whenBothHalvesRaceTheRequestIsCountedExactlyOnce() throws Exception {
        int waiting = JdkHttpHandOffs.waiting();
        int n = 2000;
        java.util.concurrent.ExecutorService completer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < n; i++) {
                Object exchange = new Object();
                long mark = JdkHttpServerAttachedHooks.taskStarted();
                JdkHttpServerAttachedHooks.requestParsed(exchange, "GET", -1);
                java.util.concurrent.Future<?> done = completer.submit(() -> {
                    JdkHttpServerAttachedHooks.responseStatus(exchange, 200);
                    JdkHttpServerAttachedHooks.responseFinished(exchange);
                });
                JdkHttpServerAttachedHooks.taskEnded(mark, null);
                done.get();
            }
        } finally {
            completer.shutdownNow();
        }
        assertEquals(n, count("200"));
        assertEquals(0, recording.http().active());
        assertEquals(waiting, JdkHttpHandOffs.waiting());
    }

    private static void onAnotherThread(Runnable events) throws InterruptedException {
        Thread t = new Thread(events);
        t.start();
        t.join();
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
    void aFinishedResponseWhoseRequestNeverComesIsDroppedOnceStale() {
        int waiting = JdkHttpHandOffs.waiting();
        long mark = JdkHttpServerAttachedHooks.taskStarted();
        JdkHttpServerAttachedHooks.responseFinished(new Object());
        JdkHttpServerAttachedHooks.taskEnded(mark, null);
        assertEquals(0, series().size(), "a response whose request began before the attach is not counted");
        assertEquals(waiting + 1, JdkHttpHandOffs.waiting(), "it waits a while for a request that may come");
        JdkHttpHandOffs.finished(new Object(), 200, 0, System.nanoTime() - JdkHttpHandOffs.STALE_RESPONSE_NANOS - 1);
        JdkHttpHandOffs.finished(new Object(), 200, 0, System.nanoTime());
        assertTrue(JdkHttpHandOffs.waiting() <= waiting + 2, "a stale half's slot is taken by the next one");
    }

    @Test
    void aRequestTheServerRejectsIsCountedWithItsStatus() {
        long mark = JdkHttpServerAttachedHooks.taskStarted();
        JdkHttpServerAttachedHooks.rejected(400, "BROKEN");
        JdkHttpServerAttachedHooks.taskEnded(mark, null);
        assertEquals(1, count("400"));
    }
}
