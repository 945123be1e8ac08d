package io.tailwatch.agent.jvm;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The hsperfdata layout, built here as the JVM lays it out (version 2, little-endian on x86). */
class SafepointClockTest {
    private static final int ENTRIES_AT = 32;
    /** Where the last built buffer holds the safepoint time's value. */
    private static int timeValueAt;

    private static ByteBuffer counters(boolean withCount, long frequency, String... extra) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, 0xcafec0c0);
        b.put(4, (byte) 1);
        b.put(5, (byte) 2);
        b.order(ByteOrder.LITTLE_ENDIAN);
        int offset = ENTRIES_AT;
        int count = 0;
        offset = entry(b, offset, "sun.gc.collector.0.invocations", 7);
        count++;
        for (String name : extra) {
            offset = entry(b, offset, name, 1);
            count++;
        }
        timeValueAt = offset + ((20 + "sun.rt.safepointTime".length() + 1 + 7) & ~7);
        offset = entry(b, offset, "sun.rt.safepointTime", 5_000);
        count++;
        if (withCount) {
            offset = entry(b, offset, "sun.rt.safepoints", 3);
            count++;
        }
        if (frequency > 0) {
            entry(b, offset, "sun.os.hrt.frequency", frequency);
            count++;
        }
        b.putInt(24, ENTRIES_AT);
        b.putInt(28, count);
        return b;
    }

    /** One long counter: the entry header, its NUL-terminated name, then its value 8-aligned. */
    private static int entry(ByteBuffer b, int at, String name, long value) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        int nameOffset = 20;
        int dataOffset = (nameOffset + bytes.length + 1 + 7) & ~7;
        int length = dataOffset + 8;
        b.putInt(at, length);
        b.putInt(at + 4, nameOffset);
        b.putInt(at + 8, 0);
        b.put(at + 12, (byte) 'J');
        b.putInt(at + 16, dataOffset);
        for (int i = 0; i < bytes.length; i++) {
            b.put(at + nameOffset + i, bytes[i]);
        }
        b.put(at + nameOffset + bytes.length, (byte) 0);
        b.putLong(at + dataOffset, value);
        return at + length;
    }

    @Test
    void readsTheSafepointCountAndTimeInNanoseconds() {
        ByteBuffer b = counters(true, 10_000_000L, "sun.rt.applicationTime");
        SafepointClock clock = SafepointClock.parse(b);
        assertNotNull(clock);
        assertEquals(3, clock.count());
        assertEquals(500_000, clock.totalNanos(), "5000 ticks of 100 ns");
    }

    @Test
    void followsTheCountersAsTheJvmChangesThem() {
        ByteBuffer b = counters(true, 1_000_000_000L);
        SafepointClock clock = SafepointClock.parse(b);
        assertNotNull(clock);
        assertEquals(5_000, clock.totalNanos());
        b.putLong(timeValueAt, 7_000);
        assertEquals(7_000, clock.totalNanos());
    }

    @Test
    void withoutTheFrequencyCounterNanosecondTicksAreAssumed() {
        SafepointClock clock = SafepointClock.parse(counters(true, -1));
        assertNotNull(clock);
        assertEquals(5_000, clock.totalNanos());
    }

    @Test
    void anythingElseIsNoClock() {
        assertNull(SafepointClock.parse(counters(false, 1_000_000_000L)), "no safepoint count");
        assertNull(SafepointClock.parse(ByteBuffer.allocate(4096)), "no magic: -XX:-UsePerfData leaves nothing");
        ByteBuffer broken = counters(true, 1_000_000_000L);
        broken.putInt(ENTRIES_AT, 1_000_000);
        assertNull(SafepointClock.parse(broken), "an entry longer than the buffer");
    }
}
