package io.tailwatch.agent.recording;

import io.tailwatch.agent.config.AgentConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fresh {@link Recording} installed as the current one for each test of a hooks test
 * ({@code @RegisterExtension}), the previous one put back after it, and what the hooks recorded
 * read back as a scrape reads it.
 */
public final class InstalledRecording implements BeforeEachCallback, AfterEachCallback {
    private final Recording recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
    private Recording previous;

    public Recording recording() {
        return recording;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        previous = Recording.current();
        Recording.install(recording);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Recording.install(previous);
    }

    /** The label sets recorded so far, read as a scrape reads them. */
    public List<RequestSeries> series() {
        AtomicReference<List<RequestSeries>> all = new AtomicReference<>();
        recording.read(r -> all.set(r.http().series().all()));
        return all.get();
    }

    /** How many requests were recorded with this status code, over all label sets. */
    public long count(String status) {
        long n = 0;
        for (RequestSeries s : series()) {
            if (status.equals(s.statusCode())) {
                long[] cumulative = s.duration().cumulativeCounts();
                n += cumulative[cumulative.length - 1];
            }
        }
        return n;
    }
}
