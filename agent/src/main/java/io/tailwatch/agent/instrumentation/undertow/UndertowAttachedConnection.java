package io.tailwatch.agent.instrumentation.undertow;

import io.tailwatch.agent.recording.ServerRequest;

/**
 * What the agent keeps of one HTTP/1.1 connection when Undertow's classes were loaded before it
 * ({@link UndertowInstrumentation#extendLoaded}) and no field can be added to the connection or the
 * exchange: an attachment of the connection ({@code HttpServerConnection.putAttachment}, under the
 * key {@link UndertowAttachedHooks#slotKey} makes), put there once per connection and reused by
 * each of its exchanges, so that measuring a request allocates nothing.
 *
 * <p>Threads: an HTTP/1.1 connection begins an exchange only after the previous one completed, and
 * Undertow hands each exchange from thread to thread itself (the I/O thread's dispatch to a worker
 * through {@code Executor.execute}, the application handing the exchange to the thread that
 * completes it, the completion resuming the connection's reads), so plain fields are read after
 * they were written. The runs of the root handler of one exchange follow each other: one run's
 * {@code setInCall(false)} comes before the next run starts, which is what lets {@link #allocationMark}
 * be kept here. A late event of an exchange that is not {@link #exchange}
 * (one begun before the attach, an interim {@code 100 Continue} exchange, one already completed)
 * changes nothing; {@link ServerRequest#end} records once when a completion and a close race.
 *
 * <p>The connection's attachment map is Undertow's plain {@code IdentityHashMap}: the agent puts its
 * entry on the I/O thread when the connection has no exchange in flight (creating the next one, or
 * beginning it), and reads it on the threads Undertow hands the exchange to, after those hand-offs,
 * as Undertow's own handlers read theirs.
 */
final class UndertowAttachedConnection {
    /** The measurement each exchange of the connection reuses. */
    final ServerRequest request = new ServerRequest();
    /** The exchange the I/O thread created to parse the next request into, null once it began. */
    Object parsing;
    /** When {@link #parsing} was created: the request's first bytes were read. */
    long parsingStartNanos;
    /** The exchange {@link #request} measures, null between requests. */
    Object exchange;
    /**
     * The exchange whose root handler is running, from {@code setInCall(true)} to
     * {@code setInCall(false)}; a later exchange's run replaces it, and the earlier run's return
     * then records nothing.
     */
    Object running;
    /** The running run's allocated-bytes mark. */
    long allocationMark;
    /** Whether a run of {@link #exchange} has recorded its allocation. */
    boolean allocationMeasured;
}
