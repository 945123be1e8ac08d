package io.tailwatch.testservers.jetty12;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the Jetty 12 test services share: the server, its pool and its connector, built as an
 * application builds them.
 *
 * <p>The pool: a {@code QueuedThreadPool} lends threads for good to the connector's acceptors and
 * selectors (its "leased" threads), so a pool of {@code max} threads runs at most {@code max - leased}
 * handlers at once. The service is given {@code WORKERS + ACCEPTORS + SELECTORS} threads so that
 * exactly {@code WORKERS} run handlers, and the agent reports the pool as Jetty itself sizes what
 * is left to the application: {@code getMaxAvailableThreads} (max less leased) and
 * {@code getUtilizedThreads} (threads running other than leased jobs).
 */
final class Jetty12Server {
    static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] FAILED = "failed\n".getBytes(StandardCharsets.UTF_8);

    private static final int ACCEPTORS = 1;
    private static final int SELECTORS = 1;

    /** Completes the /async responses 5 ms after their handler returned. */
    static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "async-completer");
        t.setDaemon(true);
        return t;
    });

    private Jetty12Server() {
    }

    /**
     * Usage: {@code PORT WORKERS [virtual]}. With {@code virtual}, handlers run on virtual threads
     * (the pool's virtual threads executor) and the pool runs only Jetty's own tasks.
     */
    static void run(String[] args, Handler handler) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        boolean virtual = args.length > 2 && args[2].equals("virtual");

        QueuedThreadPool pool = new QueuedThreadPool(workers + ACCEPTORS + SELECTORS);
        pool.setName("jetty-worker");
        if (virtual) {
            pool.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("jetty-virtual"));
        }
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, ACCEPTORS, SELECTORS, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        System.out.println("LISTENING " + connector.getLocalPort());
        System.out.flush();
        server.join();
    }

    /** Prints whether the calling thread, a handler's, is virtual; {@code Thread.isVirtual} is JDK 21+. */
    static void printHandlerThread() {
        boolean virtual;
        try {
            virtual = (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
        } catch (ReflectiveOperationException e) {
            virtual = false;
        }
        System.out.println("FIRST_HANDLER_THREAD virtual=" + virtual);
        System.out.flush();
    }

    /** {@code ms=N} of a query string, 5 by default. */
    static long sleepMillis(String query) {
        return query != null && query.startsWith("ms=") ? Long.parseLong(query.substring(3)) : 5;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
