package io.tailwatch.collector.table;

import io.tailwatch.collector.scrape.Snapshot;
import io.tailwatch.collector.scrape.TextFormatParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The real scrapes of src/test/resources/scrapes (see its README), placed 10 s apart. */
final class RecordedScrapes {

    static final String[] FILES = {
        "0-started.txt",
        "1-after-ab-keepalive-2000-errors-5-gc.txt",
        "2-after-ab-close-1000.txt",
        "3-restarted-after-ab-keepalive-300.txt",
    };
    static final long STEP_NANOS = 10_000_000_000L;

    private RecordedScrapes() {
    }

    static Snapshot snapshot(int index) {
        return snapshot(index, index * STEP_NANOS);
    }

    static Snapshot snapshot(int index, long nanoTime) {
        String resource = "/scrapes/" + FILES[index];
        try (InputStream in = RecordedScrapes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return TextFormatParser.parse("recorded", nanoTime, Instant.EPOCH.plusNanos(nanoTime), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A window of the recorded snapshots {@code from} to {@code to}, inclusive. */
    static Window window(int from, int to) {
        List<Snapshot> snapshots = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            snapshots.add(snapshot(i));
        }
        return new Window(snapshots);
    }
}
