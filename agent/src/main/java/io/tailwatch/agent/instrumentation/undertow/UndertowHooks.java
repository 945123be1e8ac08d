package io.tailwatch.agent.instrumentation.undertow;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.EventLoopWakeTimes;
import io.tailwatch.agent.recording.HttpMethods;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import io.tailwatch.agent.recording.WorkerPools;

import java.net.InetSocketAddress;

/**
 * What the Undertow advice calls. Undertow's objects arrive as {@code Object} and are reached
 * through the accessor interfaces the instrumentation added ({@link ConnectionAccess},
 * {@link ExchangeAccess}); what only Undertow's API can tell (the thread, the exchange's flags,
 * its status) the advice reads and passes as primitives. Nothing here throws.
 *
 * <p>The life of a measured HTTP/1.1 request:
 * <ol>
 * <li>{@link #readable}: the connection's read listener runs on its I/O thread (bytes arrived),
 *     readable since the thread's wake-up when it serves the connection in its pass over the
 *     connections its select returned ({@link #ioThreadServesReady}, {@link #ioThreadRunsTasks});</li>
 * <li>{@link #begin}: the request line and headers are parsed and the exchange becomes the
 *     connection's current one, just before the root handler runs: the clock starts at the
 *     connection's {@link ServerConnection#arrival() arrival};</li>
 * <li>{@link #handlerEntering} / {@link #handlerReturned}: each run of the root handler. A run on a
 *     worker thread is where the handler starts; a run on the I/O thread that dispatches the
 *     exchange to a worker is not, one that answers on the I/O thread is;</li>
 * <li>{@link #exchangeCompleted}: Undertow invokes the exchange's completion listeners (request
 *     and response both done, the last response byte written), on whichever thread did that;</li>
 * <li>{@link #connectionClosed}: a request still in flight when the connection closes ends there.</li>
 * </ol>
 *
 * <p>Threads: an HTTP/1.1 connection begins an exchange only after the previous one completed
 * (its completion listeners, which these hooks precede, are what resume reading), so the
 * connection's one {@link ServerRequest} is never measuring two requests. Each step is handed to
 * the next thread by Undertow itself (the I/O thread's dispatch to the worker through
 * {@code Executor.execute}, the application handing the exchange to the thread that completes it),
 * so the plain fields added to the exchange are read after they were written. The per-exchange
 * fields (I/O start, allocation mark) are written and read by one run of the root handler between
 * {@code setInCall(true)} and {@code setInCall(false)}, and runs of one exchange follow each other.
 * A late run of an exchange that has completed (the connection may have begun the next) measures
 * nothing; {@link ServerRequest#end} records once when a completion and a close race.
 */
public final class UndertowHooks {
    static final String COMPONENT = "undertow";

    /**
     * XNIO's worker pool, registered as the worker itself (what Undertow holds): its size and queue
     * read through its MXBean, its busy threads through the count the agent keeps ({@link BusyWorkers}).
     */
    static final WorkerPools.Shape XNIO_WORKER = new WorkerPools.Shape("tailwatch$busyWorkers.count",
            "getMXBean.getMaxWorkerPoolSize", "getMXBean.getWorkerQueueSize");

    private UndertowHooks() {
    }

    /** {@code HttpServerConnection} was created for an accepted connection. */
    public static ServerConnection connectionOpened() {
        try {
            return ServerConnection.open();
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return null;
        }
    }

    /** The measurement the connection's exchanges share, or null if the connection is not tracked. */
    public static ServerRequest requestFor(ServerConnection connection) {
        return connection == null ? null : new ServerRequest();
    }

    /**
     * The connection's read listener runs: bytes of a request reached the server, readable since
     * the I/O thread woke up to serve it ({@link EventLoopWakeTimes}) if it runs in the thread's
     * pass over its ready connections, else since now.
     */
    public static void readable(Object httpServerConnection) {
        if (httpServerConnection instanceof ConnectionAccess) {
            ServerConnection c = ((ConnectionAccess) httpServerConnection).tailwatch$connection();
            if (c != null) {
                c.readable(EventLoopWakeTimes.readableSince());
            }
        }
    }

    /** XNIO's I/O thread serves a connection its select returned. */
    public static void ioThreadServesReady() {
        try {
            EventLoopWakeTimes.servingReady();
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** XNIO's I/O thread has served its ready connections and runs its tasks. */
    public static void ioThreadRunsTasks() {
        try {
            EventLoopWakeTimes.served();
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * The request is parsed and its exchange is about to be handled.
     *
     * @param contentLength the request's Content-Length, -1 if none
     */
    public static void begin(ServerConnection connection, ServerRequest request, Object exchange, String method,
                             long contentLength) {
        if (request == null || !(exchange instanceof ExchangeAccess)) {
            return;
        }
        try {
            long arrival = connection != null ? connection.arrival() : System.nanoTime();
            if (request.begin(connection, arrival, method, contentLength)) {
                ((ExchangeAccess) exchange).tailwatch$request(request);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * The root handler is about to run for a measured exchange.
     *
     * @param ioThread  whether this is the connection's I/O thread
     * @param complete  whether the exchange is already complete (a late run: nothing to measure)
     * @param ioStarted when a run on the I/O thread first started for this exchange, 0 if none has
     * @return the value to keep as the exchange's I/O start
     */
    public static long handlerEntering(ServerRequest request, boolean ioThread, boolean complete, long ioStarted) {
        long now = System.nanoTime();
        if (ioThread) {
            // Whether the handler runs here or dispatches to a worker is known only when it returns.
            return ioStarted != 0 ? ioStarted : now;
        }
        if (!complete) {
            try {
                request.handlerStarted(now);
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
            }
        }
        return ioStarted;
    }

    public static long allocationMark() {
        return ServerRequest.allocationMark();
    }

    /**
     * A run of the root handler returned without handing the exchange to another thread: the
     * handler ran on this one. Records its allocation once per exchange.
     *
     * @param measured whether a run of this exchange already recorded its allocation
     * @return true: the exchange's allocation is recorded
     */
    public static boolean handlerReturned(ServerRequest request, boolean ioThread, boolean complete, long ioStarted,
                                          long mark, boolean measured) {
        try {
            if (ioThread && !complete && ioStarted != 0) {
                request.handlerStarted(ioStarted);
            }
            if (!measured) {
                ServerRequest.handlerReturned(mark);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
        return true;
    }

    /**
     * Undertow invokes the exchange's completion listeners, once per exchange: the request is over.
     *
     * @param ioStarted     when the root handler first ran on the I/O thread, 0 if never
     * @param status        the status sent, 0 if no response was started (the connection closed first)
     * @param responseBytes the response body bytes the application wrote
     * @param error         what the root handler threw, as Undertow attached it to the exchange, or null
     */
    public static void exchangeCompleted(ServerRequest request, long ioStarted, int status, long responseBytes,
                                         Object error) {
        try {
            long now = System.nanoTime();
            if (error instanceof Throwable) {
                request.threw((Throwable) error);
            }
            if (ioStarted != 0) {
                // A handler that answered on the I/O thread, before its run returned.
                request.handlerStarted(ioStarted);
            }
            request.status(status);
            request.responseBodyWritten(responseBytes);
            request.end(now);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** A servlet (or filter) threw out of the request's own dispatch; the container answers 500. */
    public static void handlerThrew(Object exchange, Throwable error, boolean complete) {
        if (!complete && exchange instanceof ExchangeAccess) {
            ServerRequest request = ((ExchangeAccess) exchange).tailwatch$request();
            if (request != null) {
                request.threw(error);
            }
        }
    }

    /**
     * Undertow answers 400 and closes without running a handler (unparseable or oversized request,
     * invalid headers): counted as a request of its own unless one is already in flight.
     *
     * @param method the method parsed so far, null if none
     */
    public static void rejected(Object httpServerConnection, String method) {
        if (!(httpServerConnection instanceof ConnectionAccess)) {
            return;
        }
        try {
            ConnectionAccess access = (ConnectionAccess) httpServerConnection;
            ServerConnection connection = access.tailwatch$connection();
            ServerRequest request = access.tailwatch$request();
            Recording r = Recording.current();
            if (connection == null || request == null || r == null) {
                return;
            }
            if (!request.inFlight()) {
                request.begin(r.http(), connection, connection.arrival(), HttpMethods.indexOf(method), -1);
            }
            request.status(400);
            request.responseBodyUnmeasured();
            request.end(System.nanoTime());
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** The connection's channel closed: a request still in flight ends now, without a status. */
    public static void connectionClosed(Object httpServerConnection) {
        if (!(httpServerConnection instanceof ConnectionAccess)) {
            return;
        }
        try {
            ConnectionAccess access = (ConnectionAccess) httpServerConnection;
            long now = System.nanoTime();
            ServerRequest request = access.tailwatch$request();
            if (request != null) {
                request.end(now);
            }
            ServerConnection connection = access.tailwatch$connection();
            if (connection != null) {
                connection.closed(now);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** An {@code XnioWorker} is created. */
    public static BusyWorkers newBusyWorkers() {
        return new BusyWorkers();
    }

    /**
     * A worker thread starts a run of the root handler.
     *
     * @param xnioWorker the exchange's connection's worker
     * @return the count it entered, to hand to {@link #handlerExit}; null if none
     */
    public static BusyWorkers workerBusy(Object xnioWorker) {
        if (xnioWorker instanceof WorkerAccess) {
            BusyWorkers busy = ((WorkerAccess) xnioWorker).tailwatch$busyWorkers();
            if (busy != null) {
                busy.enter();
                return busy;
            }
        }
        return null;
    }

    /** A worker thread's run of the root handler, counted busy by {@link #workerBusy}, returned or threw. */
    public static void workerIdle(Object xnioWorker) {
        if (xnioWorker instanceof WorkerAccess) {
            BusyWorkers busy = ((WorkerAccess) xnioWorker).tailwatch$busyWorkers();
            if (busy != null) {
                busy.exit();
            }
        }
    }

    /** The root handler runs: publishes the exchange's request to routing instrumentation. */
    public static ServerRequest handlerEnter(Object exchange) {
        return exchange instanceof ExchangeAccess ? CurrentRequest.enter(((ExchangeAccess) exchange).tailwatch$request()) : null;
    }

    /** The run of the root handler returned or threw. */
    public static void handlerExit(ServerRequest previous, BusyWorkers busy) {
        if (busy != null) {
            busy.exit();
        }
        CurrentRequest.exit(previous);
    }

    /**
     * {@code Undertow.start()} returned: registers its XNIO worker's pool, read at scrape time.
     *
     * @param address the first listener's address, for the {@code server_port} label
     */
    public static void serverStarted(Object worker, Object address) {
        try {
            Recording r = Recording.current();
            if (r != null && worker != null) {
                int port = address instanceof InetSocketAddress ? ((InetSocketAddress) address).getPort() : -1;
                r.pools().register(COMPONENT, port, worker, XNIO_WORKER);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** {@code Undertow.stop()} was called. */
    public static void serverStopped(Object worker) {
        try {
            Recording r = Recording.current();
            if (r != null && worker != null) {
                r.pools().unregister(worker);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }
}
