package io.tailwatch.agent.instrumentation.jetty;

import io.tailwatch.agent.recording.InstalledRecording;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hooks used when Jetty 12 was loaded before the agent: a request recorded whole at its
 * completion, timed from Jetty's begin time, with what the request's attributes carried.
 */
class JettyAttachedHooksTest {
    @RegisterExtension
    final InstalledRecording installed = new InstalledRecording();
    private final Recording recording = installed.recording();

    private List<RequestSeries> series() {
        return installed.series();
    }

    @Test
    void aCompletedRequestIsTimedFromJettysBeginTime() {
        long begin = System.nanoTime() - 400_000_000L;
        JettyAttachedHooks.requestCompleted(begin, begin + 1_000, "GET", -1, 200, 13, null, false);
        assertEquals(1, series().size());
        RequestSeries s = series().get(0);
        assertEquals("200", s.statusCode());
        assertNull(s.errorType());
        assertEquals(13, s.responseBodyBytes());
        assertTrue(recording.http().durations().sum() >= 400_000_000L, "timed from the begin time");
        assertEquals(0, recording.http().active());
        assertEquals(0, recording.http().queue().cumulative().getTotalCount(), "no queue time is claimed");
    }

    @Test
    void anUnsetBeginTimeFallsBackToTheHeadersTime() {
        long headers = System.nanoTime() - 300_000_000L;
        JettyAttachedHooks.requestCompleted(0, headers, "GET", -1, 200, 0, null, false);
        long sum = recording.http().durations().sum();
        assertTrue(sum >= 300_000_000L && sum < 60_000_000_000L, "timed from the headers: " + sum);
    }

    @Test
    void whatTheAttributesCarryBecomesTheErrorTypeAndAnUnmeasuredBody() {
        JettyAttachedHooks.requestCompleted(System.nanoTime(), 0, "GET", -1, 500, 100, new IllegalStateException(), false);
        JettyAttachedHooks.requestCompleted(System.nanoTime(), 0, "GET", -1, 404, 300, null, true);
        for (RequestSeries s : series()) {
            if ("500".equals(s.statusCode())) {
                assertEquals("java.lang.IllegalStateException", s.errorType());
            } else {
                assertEquals("404", s.statusCode());
                assertEquals(0, s.responseBodyCount(), "Jetty's own 404 page is not a response body");
            }
        }
        assertEquals(2, series().size());
    }

    @Test
    void onlyAFailureAnsweredWithA5xxIsKept() {
        assertTrue(JettyAttachedHooks.kept(new IllegalStateException(), 500));
        assertFalse(JettyAttachedHooks.kept(new IllegalStateException(), 404));
        assertFalse(JettyAttachedHooks.kept(null, 500));
    }
}
