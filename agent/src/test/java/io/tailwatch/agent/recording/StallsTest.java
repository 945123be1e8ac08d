package io.tailwatch.agent.recording;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StallsTest {
    @Test
    void aRequestLosesTheStalledPartOfItsInterval() {
        Stalls stalls = new Stalls();
        assertEquals(0, stalls.overlap(0, 1_000));
        stalls.publish(100, 300);
        stalls.publish(500, 600);
        assertEquals(300, stalls.overlap(0, 1_000), "both stalls inside");
        assertEquals(150, stalls.overlap(150, 450), "the end of the first");
        assertEquals(50, stalls.overlap(550, 700), "the end of the second");
        assertEquals(0, stalls.overlap(300, 500), "between them");
        assertEquals(0, stalls.overlap(600, 900), "after both");
        assertEquals(0, stalls.overlap(700, 650), "an empty interval");
    }

    @Test
    void onlyTheNewestStallsAreRemembered() {
        Stalls stalls = new Stalls();
        for (int i = 0; i < Stalls.CAPACITY + 10; i++) {
            stalls.publish(i * 100L, i * 100L + 10);
        }
        assertEquals(Stalls.CAPACITY * 10L, stalls.overlap(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2));
        assertEquals(0, stalls.overlap(0, 500), "the oldest are gone");
    }

    @Test
    void withoutAWatcherNothingIsSuspect() {
        Stalls stalls = new Stalls();
        assertFalse(stalls.mayNotKnowYet(System.nanoTime() + 1_000_000_000_000L));
    }

    @Test
    void aRequestEndingLongAfterTheWatcherLastReportedMayHaveMissedAStall() {
        Stalls stalls = new Stalls();
        stalls.watchedBy(1_000_000, 1_000_000);
        stalls.watched(10_000_000);
        assertFalse(stalls.mayNotKnowYet(11_500_000), "within one interval and one stall of the report");
        assertFalse(stalls.mayNotKnowYet(12_000_000));
        assertTrue(stalls.mayNotKnowYet(12_000_001));
    }

    @Test
    void readersNeverSeeAHalfWrittenStall() throws Exception {
        // Every stall lasts 5: any consistent read of everything is a multiple of 5, at most the capacity's worth.
        Stalls stalls = new Stalls();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            for (long t = 0; !stop.get(); t += 10) {
                stalls.publish(t, t + 5);
            }
        });
        Thread[] readers = new Thread[2];
        for (int r = 0; r < readers.length; r++) {
            readers[r] = new Thread(() -> {
                while (!stop.get()) {
                    long overlap = stalls.overlap(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2);
                    if (overlap != -1 && (overlap % 5 != 0 || overlap > 5L * Stalls.CAPACITY)) {
                        wrong.set("read " + overlap);
                    }
                }
            });
        }
        writer.start();
        for (Thread t : readers) {
            t.start();
        }
        Thread.sleep(500);
        stop.set(true);
        writer.join();
        for (Thread t : readers) {
            t.join();
        }
        assertNull(wrong.get());
    }
}
