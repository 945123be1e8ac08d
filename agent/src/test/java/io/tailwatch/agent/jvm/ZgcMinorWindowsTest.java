package io.tailwatch.agent.jvm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZgcMinorWindowsTest {
    @Test
    void aPauseCountsAsMinorOnlyInsideAMinorCollection() {
        ZgcMinorWindows windows = new ZgcMinorWindows();
        assertFalse(windows.duringMinor(1_000), "no minor collection yet");
        windows.minorCollection(1_000, 2_000);
        windows.minorCollection(5_000, 6_000);
        assertTrue(windows.duringMinor(1_000), "at the start");
        assertTrue(windows.duringMinor(1_500));
        assertTrue(windows.duringMinor(2_000), "at the end");
        assertTrue(windows.duringMinor(5_500));
        assertFalse(windows.duringMinor(999));
        assertFalse(windows.duringMinor(2_001), "between two minor collections");
        assertFalse(windows.duringMinor(6_001));
    }

    @Test
    void keepsTheLatestMinorCollections() {
        ZgcMinorWindows windows = new ZgcMinorWindows();
        for (int i = 0; i <= ZgcMinorWindows.CAPACITY; i++) {
            windows.minorCollection(i * 10L, i * 10L + 5);
        }
        assertFalse(windows.duringMinor(2), "the oldest was dropped");
        assertTrue(windows.duringMinor(12), "the second oldest is kept");
        assertTrue(windows.duringMinor(ZgcMinorWindows.CAPACITY * 10L + 5), "the latest is kept");
    }
}
