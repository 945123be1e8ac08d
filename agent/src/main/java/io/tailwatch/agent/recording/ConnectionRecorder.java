package io.tailwatch.agent.recording;

import java.util.concurrent.atomic.LongAdder;

/**
 * Records server-side TCP connections. {@link #accepted()} is fed by the JDK's accept path for every
 * server socket in the process; the other methods by the instrumentation of an HTTP server, which
 * knows when a connection's first request starts and when it closes. Thread-safe and lock-free.
 *
 * <p>The open-connections gauge a scrape shows is {@link #openAtHarvest()}: the connections opened,
 * read after the harvest, less the closed ones the harvest found in the requests-per-connection
 * distribution. A connection is open in a scrape exactly when it is not in that scrape's
 * distributions, so a reader that waits for no open connection finds every closed one counted, and
 * one that waits for a count finds none of those still open.
 */
public final class ConnectionRecorder {
    private final LongAdder accepted = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final Distribution setup = Distribution.ofNanos();
    private final Distribution lifetime = Distribution.ofNanos();
    private final Distribution requests = Distribution.ofCounts();
    /** Written and read by the harvesting thread only. */
    private long openAtHarvest;

    /** The JDK's accept path handed the application a new connection. */
    public void accepted() {
        accepted.increment();
    }

    /** An HTTP server started tracking a connection it accepted. */
    public void opened() {
        opened.increment();
    }

    /** Time from the connection's accept to the start of its first request. */
    public void firstRequest(long setupNanos) {
        setup.record(setupNanos);
    }

    /** A tracked connection closed after {@code lifetimeNanos}, having served {@code requestCount}. */
    public void closed(long lifetimeNanos, long requestCount) {
        lifetime.record(lifetimeNanos);
        requests.record(requestCount);
        closed.increment();
    }

    void harvest() {
        setup.harvest(null);
        lifetime.harvest(null);
        requests.harvest(null);
        // Opened read after the harvest: every connection the harvest found closed was opened before.
        openAtHarvest = Math.max(0, opened.sum() - requests.cumulative().getTotalCount());
    }

    public long acceptedCount() {
        return accepted.sum();
    }

    /** Connections tracked by a server and not yet closed. */
    public long open() {
        return Math.max(0, opened.sum() - closed.sum());
    }

    /**
     * Connections open at the last harvest, consistent with the harvested distributions (see the class
     * comment). Reader thread only.
     */
    public long openAtHarvest() {
        return openAtHarvest;
    }

    public Distribution setup() {
        return setup;
    }

    public Distribution lifetime() {
        return lifetime;
    }

    public Distribution requests() {
        return requests;
    }
}
