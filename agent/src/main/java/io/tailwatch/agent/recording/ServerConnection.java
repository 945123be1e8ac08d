package io.tailwatch.agent.recording;

/**
 * What tailwatch tracks of one server-side connection of an instrumented HTTP server: its setup
 * time, lifetime and request count, and when the request the server is about to read reached it.
 * An instrumentation keeps one in a field it adds to the server's own connection object.
 *
 * <p>The arrival of a request is the later of two moments: when the server last saw the connection
 * readable ({@link #readable}, on its selector, poller or read path) and when the previous request
 * on the connection ended. A keep-alive connection's idle time therefore never counts (it ends with
 * the readable event), and a pipelined request that sat in the buffer while its predecessor was
 * served counts from that predecessor's end.
 *
 * <p>Threads: a connection's events are handed from thread to thread by the server itself (selector
 * to worker, worker to the thread that completes an async response, back to the selector), and
 * each hand-off is a happens-before edge, so plain fields suffice. {@link #closed} is idempotent.
 */
public final class ServerConnection {
    private final ConnectionRecorder recorder;
    private final long openedNanos;
    private long readableNanos;
    private long lastEndNanos;
    private long requests;
    private boolean setupRecorded;
    private boolean closed;

    public ServerConnection(ConnectionRecorder recorder, long openedNanos) {
        this.recorder = recorder;
        this.openedNanos = openedNanos;
        this.readableNanos = openedNanos;
        this.lastEndNanos = openedNanos;
        recorder.opened();
    }

    /** A connection accepted now, or null while the agent is not recording. Never throws. */
    public static ServerConnection open() {
        Recording r = Recording.current();
        return r == null ? null : new ServerConnection(r.connections(), System.nanoTime());
    }

    /** The server saw bytes to read on this connection. */
    public void readable(long nowNanos) {
        readableNanos = nowNanos;
    }

    /** When the request the server is starting to read reached it; see the class comment. */
    public long arrival() {
        return Math.max(readableNanos, lastEndNanos);
    }

    /** A request on this connection started; the first one gives the connection's setup time. */
    void requestStarted(long arrivalNanos) {
        if (!setupRecorded) {
            setupRecorded = true;
            recorder.firstRequest(arrivalNanos - openedNanos);
        }
    }

    /** A request on this connection ended (its response is complete, or it failed). */
    void requestEnded(long nowNanos) {
        requests++;
        lastEndNanos = nowNanos;
    }

    /** The connection closed; records its lifetime and request count once. */
    public void closed(long nowNanos) {
        if (closed) {
            return;
        }
        closed = true;
        recorder.closed(nowNanos - openedNanos, requests);
    }

    public long requests() {
        return requests;
    }
}
