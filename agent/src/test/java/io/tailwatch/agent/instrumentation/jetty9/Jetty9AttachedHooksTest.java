package io.tailwatch.agent.instrumentation.jetty9;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.InstalledRecording;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table that keeps Jetty 9.4's requests under their channels when the channel cannot be given a
 * field, and the hooks over it: a request is found by its channel on any thread, counted once, and
 * its slot (with its measurement) serves later channels without a new allocation.
 */
class Jetty9AttachedHooksTest {
    @RegisterExtension
    final InstalledRecording installed = new InstalledRecording();
    private final Recording recording = installed.recording();

    private List<RequestSeries> series() {
        return installed.series();
    }

    private long count() {
        long n = 0;
        for (RequestSeries s : series()) {
            long[] cumulative = s.duration().cumulativeCounts();
            n += cumulative[cumulative.length - 1];
        }
        return n;
    }

    @Test
    void aChannelKeepsItsSlotUntilItGivesItBackAndAFullWindowRefusesAnother() {
        // Two slots, both in every channel's window.
        Jetty9InFlight table = new Jetty9InFlight(2, 2);
        Object a = new Object();
        Object b = new Object();
        Jetty9InFlight.Slot slotA = table.claim(a);
        Jetty9InFlight.Slot slotB = table.claim(b);
        assertNotNull(slotA);
        assertNotNull(slotB);
        assertSame(slotA, table.claim(a), "a channel that holds a slot gets it again");
        assertSame(slotA, table.find(a));
        assertNull(table.claim(new Object()), "the window is full");

        table.release(a);
        assertNull(table.find(a));
        Object c = new Object();
        assertSame(slotA, table.claim(c), "the slot and its measurement serve the next channel");
        assertSame(slotB, table.find(b));
    }

    @Test
    void aRequestBegunOnOneThreadAndCompletedOnAnotherCountsOnceWithItsFailureOnlyIfA5xx() throws Exception {
        Jetty9InFlight table = new Jetty9InFlight(8, 4);
        Object channel = new Object();
        Jetty9AttachedHooks.requestStarted(table, channel, "GET", -1, System.nanoTime());
        assertEquals(1, recording.http().active());
        Jetty9InFlight.Slot slot = table.find(channel);
        slot.failure = new IllegalStateException();
        Thread completer = new Thread(() -> Jetty9AttachedHooks.requestCompleted(table, channel, 500, 20));
        completer.start();
        completer.join();
        // The connection closes afterwards: nothing more is counted.
        Jetty9AttachedHooks.connectionClosed(table, channel);
        assertEquals(0, recording.http().active());
        assertEquals(1, count());
        assertEquals("java.lang.IllegalStateException", series().get(0).errorType());
        assertEquals(20, series().get(0).responseBodyBytes());
        assertNull(table.find(channel), "the slot is given back");

        Jetty9AttachedHooks.requestStarted(table, channel, "GET", -1, System.nanoTime());
        assertNull(table.find(channel).failure, "the next request starts without the last one's failure");
        table.find(channel).failure = new IllegalArgumentException();
        Jetty9AttachedHooks.requestCompleted(table, channel, 400, 0);
        assertEquals(2, count());
        for (RequestSeries s : series()) {
            if ("400".equals(s.statusCode())) {
                assertNull(s.errorType(), "an exception answered with a 4xx is the client's error");
            }
        }
        assertEquals(0, recording.http().queue().cumulative().getTotalCount(), "no queue time is claimed");
    }

    @Test
    void aRequestWhoseConnectionClosesBeforeItCompletesEndsThereOnce() {
        Jetty9InFlight table = new Jetty9InFlight(8, 4);
        Object channel = new Object();
        Jetty9AttachedHooks.requestStarted(table, channel, "POST", 10, System.nanoTime());
        Jetty9AttachedHooks.connectionClosed(table, channel);
        Jetty9AttachedHooks.requestCompleted(table, channel, 200, 5);
        assertEquals(1, count());
        assertNull(series().get(0).statusCode(), "no response was sent");
        assertEquals(0, recording.http().active());
    }

    @Test
    void aRequestTheTableCannotHoldIsReportedNotLost() {
        Jetty9InFlight table = new Jetty9InFlight(1, 1);
        long before = AgentErrors.counts().getOrDefault("jetty9", 0L);
        Jetty9AttachedHooks.requestStarted(table, new Object(), "GET", -1, System.nanoTime());
        Jetty9AttachedHooks.requestStarted(table, new Object(), "GET", -1, System.nanoTime());
        assertEquals(before + 1, AgentErrors.counts().getOrDefault("jetty9", 0L));
        assertEquals(1, recording.http().active());
    }

    @Test
    void theFirstRequestAReadParsesIsTimedFromTheReadAndAPipelinedOneFromItsHead() throws Exception {
        Jetty9InFlight table = new Jetty9InFlight(8, 4);
        Object first = new Object();
        Object second = new Object();
        long previous = Jetty9AttachedHooks.fillStarted();
        Thread.sleep(300);
        Jetty9AttachedHooks.requestStarted(table, first, "GET", -1, System.nanoTime());
        Jetty9AttachedHooks.requestStarted(table, second, "GET", -1, System.nanoTime());
        Jetty9AttachedHooks.fillReturned(previous);
        Jetty9AttachedHooks.requestCompleted(table, first, 200, 0);
        long afterFirst = recording.http().durations().sum();
        Jetty9AttachedHooks.requestCompleted(table, second, 200, 0);
        long secondOnly = recording.http().durations().sum() - afterFirst;
        assertTrue(afterFirst >= 300_000_000L, "from the read's start: " + afterFirst);
        assertTrue(secondOnly < 300_000_000L, "from its own head: " + secondOnly);
    }
}
