package io.tailwatch.agent.instrumentation.tomcat;

import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.InstalledRecording;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import io.tailwatch.agent.recording.ServerRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives {@link TomcatAttachedHooks} as the advice does when Tomcat was loaded before the agent,
 * with a plain variable standing in for the coyote request's note: one state per coyote request,
 * reused for each of its requests, each counted once, and no queue time claimed.
 */
class TomcatAttachedHooksTest {
    @RegisterExtension
    final InstalledRecording installed = new InstalledRecording();
    private final Recording recording = installed.recording();
    /** The coyote request's note, as the advice keeps it. */
    private Object note;

    private List<RequestSeries> series() {
        return installed.series();
    }

    private long count(String status) {
        return installed.count(status);
    }

    /** What the advice does from the read of the request line to the adapter. */
    private void read(String method) {
        long start = TomcatAttachedHooks.reading(true, 0);
        assertTrue(start != 0);
        note = TomcatAttachedHooks.requestStarted(note, start);
        TomcatAttachedHooks.requestParsed(note, method, -1);
    }

    /** What the advice on {@code updateCounters} and {@code recycle} does. */
    private void ended(long bytes) {
        if (TomcatAttachedHooks.inFlight(note)) {
            TomcatAttachedHooks.requestEnded(note, bytes);
        }
    }

    @Test
    void keepAliveRequestsOfOneProcessorShareOneStateAndCountOnceEach() {
        read("GET");
        Object first = note;
        assertEquals(1, recording.http().active());
        TomcatAttachedHooks.responseCommitted(note, 200);
        ended(13);
        ended(13);
        read("POST");
        assertSame(first, note, "the note's state is reused");
        TomcatAttachedHooks.responseCommitted(note, 204);
        ended(0);

        assertEquals(0, recording.http().active());
        assertEquals(1, count("200"));
        assertEquals(1, count("204"));
        assertEquals(0, recording.http().queue().cumulative().getTotalCount(), "no queue time is claimed");
    }

    @Test
    void aReadThatContinuesARequestLineDoesNotRestartItsClock() {
        assertEquals(0, TomcatAttachedHooks.reading(true, 2));
        assertEquals(0, TomcatAttachedHooks.reading(false, 0));
    }

    @Test
    void aRequestWhoseReadBeganBeforeTheAttachIsNotCounted() {
        TomcatAttachedHooks.requestParsed(null, "GET", -1);
        TomcatAttachedHooks.responseCommitted(null, 200);
        assertFalse(TomcatAttachedHooks.inFlight(null));
        TomcatAttachedHooks.requestEnded(null, 10);
        assertEquals(0, recording.http().active());
        assertEquals(List.of(), series());
    }

    @Test
    void aServerErrorTheApplicationThrewNamesItsErrorTypeAndAClientErrorDoesNot() {
        read("GET");
        TomcatAttachedHooks.applicationThrew(note, new IllegalArgumentException(), 400);
        TomcatAttachedHooks.responseCommitted(note, 400);
        ended(0);
        read("GET");
        TomcatAttachedHooks.applicationThrew(note, new IllegalStateException(), 500);
        TomcatAttachedHooks.responseCommitted(note, 500);
        ended(0);

        for (RequestSeries s : series()) {
            assertEquals("500".equals(s.statusCode()) ? IllegalStateException.class.getName() : null, s.errorType(), s.statusCode());
        }
        assertEquals(2, series().size());
    }

    @Test
    void theRequestIsPublishedToRoutersWhileTheApplicationRuns() {
        CurrentRequest.want();
        read("GET");
        ServerRequest before = TomcatAttachedHooks.publish(note);
        assertNull(before);
        CurrentRequest.route("/owners/{id}");
        TomcatHooks.unpublish(before);
        assertNull(CurrentRequest.current());
        ended(0);
        assertEquals("/owners/{id}", series().get(0).route());
    }
}
