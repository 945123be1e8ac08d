package io.tailwatch.agent.recording;

import java.util.concurrent.atomic.LongAdder;

/**
 * Records server-side TCP connections. {@link #accepted()} is fed by the JDK's accept path for every
 * server socket in the process; the other methods by the instrumentation of an HTTP server, which
 * knows when a connection's first request starts and when it closes. Thread-safe and lock-free.
 */
public final class ConnectionRecorder {
    private final LongAdder accepted = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final Distribution setup = Distribution.ofNanos();
    private final Distribution lifetime = Distribution.ofNanos();
    private final Distribution requests = Distribution.ofCounts();

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
        closed.increment();
        lifetime.record(lifetimeNanos);
        requests.record(requestCount);
    }

    void harvest() {
        setup.harvest(null);
        lifetime.harvest(null);
        requests.harvest(null);
    }

    public long acceptedCount() {
        return accepted.sum();
    }

    /** Connections tracked by a server and not yet closed. */
    public long open() {
        return Math.max(0, opened.sum() - closed.sum());
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
