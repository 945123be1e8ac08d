package io.tailwatch.collector.source;

import io.tailwatch.collector.scrape.AgentAccess;
import io.tailwatch.collector.scrape.MetricsFetcher;
import io.tailwatch.collector.scrape.ScrapeException;
import io.tailwatch.collector.scrape.Snapshot;
import io.tailwatch.collector.table.SlidingWindow;
import io.tailwatch.collector.table.TargetRow;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Agents scraped directly: each read scrapes every target at once (so that one slow target does
 * not delay the others' snapshots) and adds the snapshot to that target's sliding window.
 */
public final class AgentSource implements Source {

    private final MetricsFetcher fetcher;
    private final Map<URI, SlidingWindow> windows = new LinkedHashMap<>();
    private final ExecutorService pool;

    public AgentSource(List<URI> targets, Duration window, Duration timeout, AgentAccess access) {
        this.fetcher = new MetricsFetcher(timeout, access);
        for (URI target : targets) {
            windows.put(target, new SlidingWindow(window));
        }
        this.pool = Executors.newFixedThreadPool(Math.max(1, Math.min(targets.size(), 16)), r -> {
            Thread t = new Thread(r, "scrape");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public List<TargetRow> read() {
        Map<URI, Future<Snapshot>> scrapes = new LinkedHashMap<>();
        for (URI target : windows.keySet()) {
            scrapes.put(target, pool.submit(() -> fetcher.scrape(target)));
        }
        List<TargetRow> rows = new ArrayList<>();
        for (Map.Entry<URI, Future<Snapshot>> scrape : scrapes.entrySet()) {
            URI target = scrape.getKey();
            SlidingWindow window = windows.get(target);
            try {
                window.add(scrape.getValue().get());
                rows.add(TargetRow.of(target.toString(), window.window()));
            } catch (ExecutionException e) {
                String message = e.getCause() instanceof ScrapeException ? e.getCause().getMessage()
                        : target + ": " + e.getCause();
                rows.add(TargetRow.failed(target.toString(), message));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                rows.add(TargetRow.failed(target.toString(), target + ": interrupted"));
            }
        }
        return rows;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
