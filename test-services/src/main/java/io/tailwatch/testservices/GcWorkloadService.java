package io.tailwatch.testservices;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import jdk.jfr.consumer.RecordingStream;

import javax.management.MBeanServer;
import javax.management.NotificationEmitter;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service on the JDK's HTTP server that makes the JVM pause on request, and reports what the
 * JVM's own garbage-collector beans say, so that tests can hold the agent's figures against them.
 * Usage: {@code GcWorkloadService PORT WORKERS}; prints {@code LISTENING <port>} when ready.
 *
 * <ul>
 *   <li>{@code /alloc?mb=N}: allocates N MB of short-lived 1 KB arrays (young collections);
 *   <li>{@code /gc?n=N}: calls {@code System.gc()} N times;
 *   <li>{@code /retain?mb=N}: keeps N MB of small objects alive (longer full collections and heap
 *       walks), replacing what was kept;
 *   <li>{@code /safepoint}: walks the whole heap in a stop-the-world operation (a class histogram
 *       of all objects), which is long whatever the collector; answers its wall time in ms;
 *   <li>{@code /sleep-through-safepoint?ms=N}: sleeps N ms while another thread walks the heap
 *       after N/3 ms: a request stalled by a pause it did not cause;
 *   <li>{@code /gcstats}: one line per collector bean, {@code name<TAB>count<TAB>timeMs}, then
 *       {@code longestPauseMs<TAB>n}, the longest pause any pause bean (not "Cycles") notified, and
 *       {@code longestSafepointOperationNanos<TAB>n<TAB>name}, the longest VM operation run in a
 *       safepoint as this service's own JFR stream saw it (about a second late); {@code ?reset=1}
 *       forgets both longest values first.
 * </ul>
 *
 * <p>The safepoint operations come from a JFR stream of the service's own, independent of any
 * agent: an operation runs while every application thread is stopped, so its duration is a lower
 * bound of the stall that the application's threads saw.
 */
public final class GcWorkloadService {
    private static volatile Object sink;
    private static volatile List<Object> retained = List.of();
    private static final AtomicLong LONGEST_PAUSE_MS = new AtomicLong();
    private static volatile long longestOperationNanos;
    private static volatile String longestOperation = "none";

    private GcWorkloadService() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) bean).addNotificationListener((n, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                if (!info.getGcAction().equals("end of GC cycle")) {
                    LONGEST_PAUSE_MS.accumulateAndGet(info.getGcInfo().getDuration(), Math::max);
                }
            }, null, null);
        }
        RecordingStream operations = new RecordingStream();
        operations.enable("jdk.ExecuteVMOperation").withoutThreshold();
        operations.onEvent("jdk.ExecuteVMOperation", e -> {
            long nanos = e.getDuration().toNanos();
            if (e.getBoolean("safepoint") && nanos > longestOperationNanos) {
                longestOperationNanos = nanos;
                longestOperation = String.valueOf((Object) e.getValue("operation"));
            }
        });
        operations.startAsync();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 100);
        server.setExecutor(Executors.newFixedThreadPool(workers));
        server.createContext("/hello", exchange -> respond(exchange, "hello, world\n"));
        server.createContext("/alloc", exchange -> {
            long kb = param(exchange, "mb", 100) * 1024;
            for (long i = 0; i < kb; i++) {
                sink = new byte[1024];
            }
            respond(exchange, "allocated\n");
        });
        server.createContext("/gc", exchange -> {
            long n = param(exchange, "n", 1);
            for (long i = 0; i < n; i++) {
                System.gc();
            }
            respond(exchange, "collected\n");
        });
        server.createContext("/retain", exchange -> {
            long mb = param(exchange, "mb", 50);
            retained = List.of();
            // About 24 bytes of header and array per 16-byte payload: many small objects make a heap walk long.
            List<Object> keep = new ArrayList<>();
            for (long i = 0; i < mb * 1024 * 1024 / 40; i++) {
                keep.add(new byte[16]);
            }
            retained = keep;
            respond(exchange, "retained " + keep.size() + "\n");
        });
        server.createContext("/safepoint", exchange -> respond(exchange, walkHeap() + "\n"));
        server.createContext("/sleep-through-safepoint", exchange -> {
            long ms = param(exchange, "ms", 300);
            Thread walker = new Thread(() -> {
                sleep(ms / 3);
                walkHeap();
            }, "heap-walker");
            walker.start();
            sleep(ms);
            join(walker);
            respond(exchange, "slept\n");
        });
        server.createContext("/gcstats", exchange -> {
            if (param(exchange, "reset", 0) == 1) {
                LONGEST_PAUSE_MS.set(0);
                longestOperationNanos = 0;
                longestOperation = "none";
            }
            StringBuilder out = new StringBuilder();
            for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
                out.append(bean.getName()).append('\t').append(bean.getCollectionCount()).append('\t')
                        .append(bean.getCollectionTime()).append('\n');
            }
            out.append("longestPauseMs\t").append(LONGEST_PAUSE_MS.get()).append('\n');
            out.append("longestSafepointOperationNanos\t").append(longestOperationNanos).append('\t')
                    .append(longestOperation).append('\n');
            respond(exchange, out.toString());
        });
        server.start();
        System.out.println("LISTENING " + server.getAddress().getPort());
    }

    /** A stop-the-world walk of every object of the heap; returns its wall time in milliseconds. */
    private static long walkHeap() {
        long start = System.nanoTime();
        try {
            MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
            platform.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[]{new String[]{"-all"}}, new String[]{String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("cannot walk the heap", e);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long param(HttpExchange exchange, String name, long fallback) {
        String query = exchange.getRequestURI().getQuery();
        Map<String, String> params = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return params.containsKey(name) ? Long.parseLong(params.get(name)) : fallback;
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
