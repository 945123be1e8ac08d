package io.tailwatch.agent.it;

import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * GC pauses, hiccups and the requests they stalled, on every collector of JDK 17 and JDK 25: one
 * forked service with the agent per collector and JDK, which all the checks of that pair share.
 *
 * <p>No check depends on the machine being quiet. Pause counts and totals are held against the
 * JVM's own garbage-collector beans (reported by the service); the hiccup against the longest
 * safepoint operation that the service's own JFR stream saw (an operation runs while every thread
 * is stopped, so it is a lower bound of the stall); a paused request against a heap walk that
 * stops the JVM for tens of milliseconds. Waits poll until the figures agree, within deadlines far
 * above JFR's one-second flush.
 */
class JvmPausesIT {
    private static final String SERVICE = "io.tailwatch.testservices.GcWorkloadService";
    private static final List<String> COLLECTORS = List.of("G1", "Parallel", "Serial", "Z", "Shenandoah");
    /** The agent's default hiccup interval. */
    private static final double HICCUP_INTERVAL_SECONDS = 0.010;
    /** Small objects kept alive while requests are stalled by heap walks: enough for walks of several intervals. */
    private static final int STALL_RETAINED_MB = 120;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TestFactory
    Stream<DynamicContainer> everyCollectorOnEveryJdk() {
        return Stream.of("tailwatch.test.jdk17", "tailwatch.test.jdk25")
                .flatMap(jdk -> COLLECTORS.stream().map(gc -> new Run(jdk, gc).tests()));
    }

    @Test
    void withoutJfrTheStartLineSaysSoAndTheRestGoesOn() throws Exception {
        // A runtime without the jdk.jfr module, as a jlink image may be.
        assertJvmWatchedWithoutJfr(List.of("--limit-modules", "java.instrument,java.management,jdk.management,jdk.httpserver,jdk.unsupported"),
                "host=127.0.0.1,port=0", "JFR OFF (this JVM has no jdk.jfr module");
    }

    /**
     * A JVM that has the jdk.jfr module but JFR disabled: the start line says JFR is off, once, and
     * no second line contradicts it. The JVM itself warns that the option is deprecated.
     */
    @Test
    void jfrDisabledInTheJvmIsSaidInTheStartLineAndTheRestGoesOn() throws Exception {
        assertJvmWatchedWithoutJfr(List.of("-XX:-FlightRecorder"), "host=127.0.0.1,port=0",
                "; JVM: hiccups every 10ms, JFR OFF (JFR is disabled in this JVM, as by -XX:-FlightRecorder: ");
    }

    @Test
    void jfrOffLeavesJfrAloneAndTheRestGoesOn() throws Exception {
        assertJvmWatchedWithoutJfr(List.of(), "host=127.0.0.1,port=0,jfr=off", "; JVM: hiccups every 10ms, JFR off");
    }

    @Test
    void aSlowRequestIsAnEventInTheServicesOwnJfrRecording() throws Exception {
        Path dir = Files.createTempDirectory("tailwatch-slow-request");
        Path recording = dir.resolve("service.jfr");
        try {
            try (ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk25"),
                    List.of("-XX:StartFlightRecording=filename=" + recording), "host=127.0.0.1,port=0,slow.request=100ms",
                    List.of(), "io.tailwatch.testservices.JdkHttpService", "0", "2")) {
                int port = service.servicePort();
                for (String path : List.of("/sleep?ms=150", "/hello")) {
                    assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode());
                }
                assertEquals(1, service.agentLines().size(), service.stderr().toString());
            }
            // The recording is written when the JVM exits.
            List<jdk.jfr.consumer.RecordedEvent> slow = jdk.jfr.consumer.RecordingFile.readAllEvents(recording).stream()
                    .filter(e -> e.getEventType().getName().equals("tailwatch.SlowRequest")).collect(Collectors.toList());
            assertEquals(1, slow.size(), "only the 150 ms request: " + slow);
            jdk.jfr.consumer.RecordedEvent event = slow.get(0);
            assertEquals("GET", event.getString("method"));
            assertEquals(200, event.getInt("status"));
            assertTrue(event.getLong("requestDuration") >= 150_000_000L, event.toString());
            assertTrue(event.getLong("pauseOverlap") >= 0, event.toString());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Generational ZGC in a small heap under allocation, churn and {@code System.gc()}: the old
     * generation's marking then pauses while minor collections run, and the JVM's beans count such
     * a pause as minor although JFR assigns it to the major collection. Every pause must still
     * carry the label of the bean that counted it (some hundred a minute did not before).
     */
    @Test
    void zgcPausesDuringMinorCollectionsCarryTheBeansLabels() throws Exception {
        Run run = new Run("tailwatch.test.jdk25", "Z", List.of("-Xmx400m"));
        try {
            run.start(ForkedService.jdk("tailwatch.test.jdk25"));
            run.busyCollectorMatchesTheBeans();
        } catch (Throwable t) {
            try {
                run.abandon();
            } catch (Exception e) {
                t.addSuppressed(e);
            }
            throw t;
        }
        run.stop();
    }

    private static void assertJvmWatchedWithoutJfr(List<String> jvmOptions, String agentArgs, String said) throws Exception {
        try (ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"), jvmOptions, agentArgs,
                List.of(), "io.tailwatch.testservices.JdkHttpService", "0", "2")) {
            int port = service.servicePort();
            int metrics = service.metricsPort();
            HttpResponse<String> hello = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, hello.statusCode());
            // Give a JFR stream, were there one, time to deliver its first CPU load.
            ForkedService.sleep(2500);
            MetricsScrape scrape = MetricsScrape.of(metrics);
            // -XX:-FlightRecorder makes the JVM warn that the option is deprecated: the JVM's line, not the agent's.
            assertEquals(List.of(), service.stderr().stream()
                    .filter(l -> !l.startsWith("tailwatch:") && !l.contains("warning: Option FlightRecorder was deprecated"))
                    .collect(Collectors.toList()));
            assertEquals(1, service.agentLines().size(), service.agentLines().toString());
            assertTrue(service.agentLines().get(0).contains(said), service.agentLines().get(0));
            assertTrue(scrape.sum("tailwatch_jvm_hiccup_seconds_count") > 100, "the hiccup meter ticks");
            assertEquals(1, scrape.sum("http_server_request_duration_seconds_count"));
            assertFalse(scrape.text.contains("jvm_system_cpu_utilization_ratio"), "no JFR CPU load");
            assertTrue(scrape.text.contains("# TYPE jvm_gc_duration_seconds histogram"));
        }
    }

    /** One service on one collector and JDK, and the checks run against it in order. */
    private static final class Run {
        private final String jdkProperty;
        private final String gc;
        private final String name;
        private final List<String> jvmOptions;
        private Path tmp;
        private ForkedService service;
        private int port;
        private int metrics;

        Run(String jdkProperty, String gc) {
            this(jdkProperty, gc, List.of());
        }

        Run(String jdkProperty, String gc, List<String> jvmOptions) {
            this.jdkProperty = jdkProperty;
            this.gc = gc;
            this.name = gc + " on JDK " + jdkProperty.replace("tailwatch.test.jdk", "") + (jvmOptions.isEmpty() ? "" : " " + jvmOptions);
            this.jvmOptions = jvmOptions;
        }

        DynamicContainer tests() {
            Path jdk = ForkedService.jdk(jdkProperty);
            if (!supports(jdk, gc)) {
                // A JDK built without the collector (some vendors leave Shenandoah out): a fact to show, not a test to skip.
                return dynamicContainer(name, Stream.of(dynamicTest("this JDK has no " + gc + " collector: the JVM refuses -XX:+Use" + gc + "GC",
                        () -> assertTrue(!supports(jdk, gc)))));
            }
            return dynamicContainer(name, Stream.of(
                    test("starts with its one line and streams JFR", () -> start(jdk)),
                    test("pause counts and totals match the JVM's GC beans", this::pausesMatchTheBeans),
                    test("requests stalled by a stop-the-world pause are counted as paused", this::stalledRequestsArePaused),
                    test("a long stop-the-world pause is a hiccup at least as long", this::longPauseIsAHiccup),
                    test("stops leaving no JFR file and nothing on standard error", this::stop)));
        }

        private DynamicTest test(String what, Executable check) {
            return dynamicTest(what, () -> {
                if (service == null && !what.startsWith("starts")) {
                    throw new AssertionError(name + ": the service did not start");
                }
                try {
                    check.execute();
                } catch (Throwable t) {
                    if (service != null) {
                        t.addSuppressed(new AssertionError("service stderr: " + service.stderr()));
                    }
                    throw t;
                }
            });
        }

        private void start(Path jdk) throws Exception {
            tmp = Files.createTempDirectory("tailwatch-jvm-pauses");
            List<String> options = new ArrayList<>(List.of("-XX:+Use" + gc + "GC", "-Djava.io.tmpdir=" + tmp));
            options.addAll(jvmOptions);
            service = ForkedService.start(jdk, options,
                    "host=127.0.0.1,port=0", List.of(), SERVICE, "0", "4");
            port = service.servicePort();
            metrics = service.metricsPort();
            List<String> lines = service.agentLines();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).endsWith("; JVM: hiccups every 10ms, JFR"), lines.get(0));
            // JFR delivers jdk.CPULoad every second once the stream runs.
            await("the JFR stream's CPU load", Duration.ofSeconds(30),
                    () -> !Double.isNaN(scrape().value("jvm_system_cpu_utilization_ratio", Map.of())));
            get("/retain?mb=40");
        }

        private void pausesMatchTheBeans() throws Exception {
            Snapshot before = quiet();
            get("/alloc?mb=200");
            get("/gc?n=2");
            get("/alloc?mb=100");
            Snapshot now = countsAgreeingSince(before);
            StringBuilder report = new StringBuilder();
            long pauses = 0;
            for (String bean : now.beans.keySet()) {
                long count = now.beans.get(bean)[0] - before.beans.get(bean)[0];
                double beanSeconds = (now.beans.get(bean)[1] - before.beans.get(bean)[1]) / 1000.0;
                if (bean.endsWith(" Cycles")) {
                    report.append(String.format(Locale.ROOT, " %s: %d cycles;", bean, count));
                    continue;
                }
                double seconds = now.pauseSum(bean) - before.pauseSum(bean);
                pauses += count;
                report.append(String.format(Locale.ROOT, " %s: %d pauses, %.1f ms (bean %.0f ms);", bean, count,
                        seconds * 1000, beanSeconds * 1000));
                // Beans keep whole milliseconds; their timer and JFR's wrap a collection slightly differently.
                double tolerance = 0.002 + 0.0005 * count + 0.1 * beanSeconds;
                assertTrue(Math.abs(seconds - beanSeconds) <= tolerance, name + ", " + bean + ": agent " + seconds
                        + " s, bean " + beanSeconds + " s" + report);
            }
            System.out.println("[gc] " + name + ":" + report);
            assertTrue(pauses > 0, "the workload made no pause: " + report);
            for (String label : now.pauseLabels()) {
                boolean g1ConcurrentOn17 = label.equals("G1 Concurrent GC") && jdkProperty.endsWith("17");
                assertTrue(now.beans.containsKey(label) || g1ConcurrentOn17,
                        "pause label " + label + " is no GC bean of the JVM: " + now.beans.keySet());
            }
            MetricsScrape scrape = now.scrape;
            assertEquals(scrape.sum("tailwatch_gc_pause_seconds_count"),
                    scrape.sum("tailwatch_gc_pause_seconds_bucket", l -> "+Inf".equals(l.get("le"))));
            assertTrue(scrape.sum("tailwatch_gc_pause_seconds_bucket", l -> "0.5".equals(l.get("le"))) > 0, "pauses in the buckets");
            assertTrue(scrape.value("tailwatch_gc_pause_quantile_seconds", Map.of("quantile", "1")) > 0);
            assertTrue(scrape.sum("tailwatch_gc_pause_max_seconds") > 0);
            measureDelay();
        }

        /** Fifteen seconds of minor and major collections at once, then the same counts per bean. */
        private void busyCollectorMatchesTheBeans() throws Exception {
            Snapshot before = quiet();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            ExecutorService load = Executors.newFixedThreadPool(4);
            try {
                List<Future<Void>> clients = List.of(
                        load.submit(() -> repeat(end, "/alloc?mb=300", 0)),
                        load.submit(() -> repeat(end, "/alloc?mb=300", 0)),
                        load.submit(() -> repeat(end, "/retain?mb=60", 500)),
                        load.submit(() -> repeat(end, "/gc?n=1", 3000)));
                for (Future<Void> client : clients) {
                    client.get();
                }
            } finally {
                load.shutdownNow();
            }
            Snapshot after = countsAgreeingSince(before);
            String deltas = after.deltasSince(before);
            System.out.println("[gc] " + name + " under load: " + deltas);
            for (String bean : List.of("ZGC Minor Pauses", "ZGC Major Pauses")) {
                assertTrue(after.beans.get(bean)[0] - before.beans.get(bean)[0] > 0, "no " + bean + ": " + deltas);
            }
        }

        /** The first snapshot whose counts since {@code before} agree with the beans', within 30 s. */
        private Snapshot countsAgreeingSince(Snapshot before) throws Exception {
            Snapshot[] after = new Snapshot[1];
            try {
                await("the agent's pauses to match the GC beans", Duration.ofSeconds(30), () -> {
                    after[0] = snapshot();
                    return after[0].countsAgreeSince(before);
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; since the quiet snapshot: " + after[0].deltasSince(before), e);
            }
            return after[0];
        }

        private Void repeat(long endNanos, String path, long pauseMillis) throws Exception {
            while (System.nanoTime() < endNanos) {
                get(path);
                ForkedService.sleep(pauseMillis);
            }
            return null;
        }

        /** Stops the service after a failure, without checks of its own that would hide it. */
        private void abandon() throws Exception {
            if (service != null) {
                service.close();
            }
            if (tmp != null) {
                try (Stream<Path> files = Files.walk(tmp)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }

        /** How long after a pause it shows in the metrics: JFR, and the GC beans' notifications. */
        private void measureDelay() throws Exception {
            double pausesBefore = scrape().sum("tailwatch_gc_pause_seconds_count");
            double durationsBefore = scrape().sum("jvm_gc_duration_seconds_count");
            get("/gc?n=1");
            long returned = System.nanoTime();
            long pauseSeen = -1;
            long durationSeen = -1;
            long deadline = returned + TimeUnit.SECONDS.toNanos(20);
            while ((pauseSeen < 0 || durationSeen < 0) && System.nanoTime() < deadline) {
                MetricsScrape s = scrape();
                long at = System.nanoTime();
                if (pauseSeen < 0 && s.sum("tailwatch_gc_pause_seconds_count") > pausesBefore) {
                    pauseSeen = at;
                }
                if (durationSeen < 0 && s.sum("jvm_gc_duration_seconds_count") > durationsBefore) {
                    durationSeen = at;
                }
                ForkedService.sleep(20);
            }
            assertTrue(pauseSeen > 0 && durationSeen > 0, "System.gc() never showed in the metrics");
            System.out.printf(Locale.ROOT, "[delay] %s: System.gc() returned, then in /metrics after %.2f s (JFR pause)"
                    + " and %.3f s (GC bean notification)%n", name, (pauseSeen - returned) / 1e9, (durationSeen - returned) / 1e9);
        }

        private void stalledRequestsArePaused() throws Exception {
            // The meter counts a stall that wakes it at least one interval late, which a stall of two
            // intervals always does. With 40 MB of small objects a heap walk took 20 to 26 ms on G1,
            // Parallel and Serial: too close to that line. Three times as many objects keep it far above.
            get("/retain?mb=" + STALL_RETAINED_MB);
            // Into the old generation now, so that later young collections stay short.
            get("/gc?n=1");
            // The service's JFR stream delivers about a second late: the collections above must reach
            // it before the reset, or one of them counts as the longest operation (up to 188 ms on
            // Parallel and Serial, outside both requests).
            ForkedService.sleep(2500);
            get("/gcstats?reset=1");
            // Any earlier request the meter still had to check again is checked within milliseconds.
            ForkedService.sleep(200);
            MetricsScrape before = scrape();
            // One request sleeps while another thread stops the JVM; the other stops it itself and
            // ends right after the stall, racing the hiccup meter's report of it.
            get("/sleep-through-safepoint?ms=400");
            get("/safepoint");
            try {
                await("two paused requests", Duration.ofSeconds(10),
                        () -> scrape().sum("tailwatch_http_server_requests_paused_total")
                                - before.sum("tailwatch_http_server_requests_paused_total") >= 2);
            } catch (AssertionError e) {
                // Not yet a failure: the figures below say how long the walks stopped the JVM.
                System.out.println("[paused] " + e.getMessage());
            }
            ForkedService.sleep(300);
            MetricsScrape after = scrape();
            double paused = after.sum("tailwatch_http_server_requests_paused_total") - before.sum("tailwatch_http_server_requests_paused_total");
            double lost = after.sum("tailwatch_http_server_request_pause_seconds_sum") - before.sum("tailwatch_http_server_request_pause_seconds_sum");
            double took = after.sum("http_server_request_duration_seconds_sum") - before.sum("http_server_request_duration_seconds_sum");
            double walk = longestSafepointOperation();
            System.out.printf(Locale.ROOT, "[paused] %s: %.0f requests paused, %.1f ms of their %.1f ms lost to stalls;"
                    + " the longer heap walk stopped the JVM for %.1f ms%n", name, paused, lost * 1000, took * 1000, walk * 1000);
            assertEquals(2, paused, String.format(Locale.ROOT, "exactly the two requests, each once; the longer heap walk"
                    + " stopped the JVM for %.1f ms, and a stall of at least %.0f ms must be counted", walk * 1000,
                    2000 * HICCUP_INTERVAL_SECONDS));
            assertEquals(paused, after.sum("tailwatch_http_server_request_pause_seconds_count")
                    - before.sum("tailwatch_http_server_request_pause_seconds_count"));
            // The request around the longer walk lost at least that walk, but for the meter's tick.
            assertTrue(lost >= walk - HICCUP_INTERVAL_SECONDS - 0.0005 && lost <= took,
                    "lost " + lost + " s of " + took + " s, the longer walk " + walk + " s");
        }

        /** The longest stop-the-world operation since the last reset, once the service's own JFR stream has it. */
        private double longestSafepointOperation() throws Exception {
            String[] longest = new String[1];
            await("the service's JFR stream to see the safepoint operations", Duration.ofSeconds(20), () -> {
                longest[0] = gcStats().get("longestSafepointOperationNanos");
                return Long.parseLong(longest[0].split("\t")[0]) > 10_000_000;
            });
            // The stream delivers once a second: wait for the flush after the one that brought the first.
            ForkedService.sleep(1500);
            return Long.parseLong(gcStats().get("longestSafepointOperationNanos").split("\t")[0]) / 1e9;
        }

        private void longPauseIsAHiccup() throws Exception {
            get("/gcstats?reset=1");
            get("/gc?n=1");
            get("/safepoint");
            double operation = longestSafepointOperation();
            String which = gcStats().get("longestSafepointOperationNanos").split("\t")[1];
            MetricsScrape scrape = scrape();
            double hiccup = scrape.value("tailwatch_jvm_hiccup_quantile_seconds", Map.of("quantile", "1"));
            System.out.printf(Locale.ROOT, "[hiccup] %s: longest safepoint operation %.1f ms (%s), longest hiccup %.1f ms,"
                    + " longest safepoint seen by the agent %.1f ms%n", name, operation * 1000, which,
                    hiccup * 1000, scrape.sum("tailwatch_jvm_safepoint_max_seconds") * 1000);
            // The meter's tick may fall up to one interval after the stall began.
            assertTrue(hiccup >= operation - HICCUP_INTERVAL_SECONDS - 0.0005,
                    "hiccup " + hiccup + " s shorter than the stop-the-world operation " + operation + " s");
            assertTrue(scrape.sum("tailwatch_jvm_hiccup_seconds_count") > 0);
            assertTrue(scrape.sum("tailwatch_jvm_safepoint_seconds_count") > 0);
        }

        private void stop() throws Exception {
            service.close();
            List<String> stderr = service.stderr();
            assertEquals(1, stderr.size(), "standard error holds the agent's start line only: " + stderr);
            try (Stream<Path> files = Files.walk(tmp)) {
                List<Path> left = files.filter(p -> !p.equals(tmp)).collect(Collectors.toList());
                assertEquals(List.of(), left, "files left in java.io.tmpdir (the JFR repository)");
            } finally {
                try (Stream<Path> files = Files.walk(tmp)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }

        /** The beans and the metrics once neither has changed for two seconds (JFR flushes every second). */
        private Snapshot quiet() throws Exception {
            Snapshot previous = snapshot();
            for (int attempt = 0; attempt < 10; attempt++) {
                ForkedService.sleep(2000);
                Snapshot current = snapshot();
                if (current.sameCountsAs(previous)) {
                    return current;
                }
                previous = current;
            }
            throw new AssertionError(name + ": the JVM never stayed without GC for two seconds");
        }

        private Snapshot snapshot() throws Exception {
            Map<String, String> stats = gcStats();
            Map<String, long[]> beans = new LinkedHashMap<>();
            stats.forEach((bean, value) -> {
                if (!bean.startsWith("longest")) {
                    String[] parts = value.split("\t");
                    beans.put(bean, new long[]{Long.parseLong(parts[0]), Long.parseLong(parts[1])});
                }
            });
            return new Snapshot(beans, scrape());
        }

        private Map<String, String> gcStats() throws Exception {
            Map<String, String> stats = new LinkedHashMap<>();
            for (String line : get("/gcstats").split("\n")) {
                int tab = line.indexOf('\t');
                stats.put(line.substring(0, tab), line.substring(tab + 1));
            }
            return stats;
        }

        private MetricsScrape scrape() throws IOException, InterruptedException {
            return MetricsScrape.of(metrics);
        }

        private String get(String path) throws IOException, InterruptedException {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), path);
            return response.body();
        }

        private void await(String what, Duration timeout, Condition condition) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.holds()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + ": waited " + timeout.toSeconds() + " s for " + what + " in vain");
                }
                ForkedService.sleep(100);
            }
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    /** The service's GC beans (count, time in ms) and a scrape of the agent, taken one after the other. */
    private static final class Snapshot {
        final Map<String, long[]> beans;
        final MetricsScrape scrape;

        Snapshot(Map<String, long[]> beans, MetricsScrape scrape) {
            this.beans = beans;
            this.scrape = scrape;
        }

        double pauseCount(String bean) {
            return scrape.sum("tailwatch_gc_pause_seconds_count", l -> bean.equals(l.get("jvm_gc_name")));
        }

        double pauseSum(String bean) {
            return scrape.sum("tailwatch_gc_pause_seconds_sum", l -> bean.equals(l.get("jvm_gc_name")));
        }

        double cycleCount(String bean) {
            return scrape.sum("tailwatch_gc_concurrent_cycle_seconds_count", l -> bean.equals(l.get("jvm_gc_name")));
        }

        double durationCount(String bean) {
            return scrape.sum("jvm_gc_duration_seconds_count", l -> bean.equals(l.get("jvm_gc_name")));
        }

        Set<String> pauseLabels() {
            Set<String> labels = new TreeSet<>();
            for (String line : scrape.text.split("\n")) {
                if (line.startsWith("tailwatch_gc_pause_seconds_count{")) {
                    int at = line.indexOf("jvm_gc_name=\"") + "jvm_gc_name=\"".length();
                    labels.add(line.substring(at, line.indexOf('"', at)));
                }
            }
            return labels;
        }

        /** Whether nothing was collected between the two, by the beans' and by the agent's count. */
        boolean sameCountsAs(Snapshot other) {
            for (String bean : beans.keySet()) {
                if (beans.get(bean)[0] != other.beans.get(bean)[0]) {
                    return false;
                }
            }
            return scrape.sum("tailwatch_gc_pause_seconds_count") == other.scrape.sum("tailwatch_gc_pause_seconds_count")
                    && scrape.sum("tailwatch_gc_concurrent_cycle_seconds_count") == other.scrape.sum("tailwatch_gc_concurrent_cycle_seconds_count")
                    && scrape.sum("jvm_gc_duration_seconds_count") == other.scrape.sum("jvm_gc_duration_seconds_count");
        }

        /** Per bean, its count's growth since {@code before} and the agent's (JFR, then GC notifications), for a failure. */
        String deltasSince(Snapshot before) {
            StringBuilder out = new StringBuilder();
            for (String bean : beans.keySet()) {
                double agentCount = bean.endsWith(" Cycles") ? cycleCount(bean) - before.cycleCount(bean)
                        : pauseCount(bean) - before.pauseCount(bean);
                out.append(bean).append(": bean ").append(beans.get(bean)[0] - before.beans.get(bean)[0]).append(", agent ")
                        .append(agentCount).append(", notifications ").append(durationCount(bean) - before.durationCount(bean))
                        .append("; ");
            }
            return out.toString();
        }

        /**
         * Whether, since {@code before}, the agent counted as many pauses per pause bean, cycles per
         * cycle bean, and collections per bean (jvm_gc_duration_seconds) as the beans did.
         */
        boolean countsAgreeSince(Snapshot before) {
            List<String> disagreeing = new ArrayList<>();
            for (String bean : beans.keySet()) {
                long beanCount = beans.get(bean)[0] - before.beans.get(bean)[0];
                double agentCount = bean.endsWith(" Cycles") ? cycleCount(bean) - before.cycleCount(bean)
                        : pauseCount(bean) - before.pauseCount(bean);
                if (agentCount != beanCount || durationCount(bean) - before.durationCount(bean) != beanCount) {
                    disagreeing.add(bean);
                }
            }
            return disagreeing.isEmpty();
        }
    }

    /** Whether the JDK starts with this collector. */
    private static boolean supports(Path jdk, String gc) {
        try {
            Process p = new ProcessBuilder(jdk.resolve("bin/java").toString(), "-XX:+Use" + gc + "GC", "-version")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
