package io.tailwatch.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an agent costs each test server under {@code wrk}: every round starts each server once per
 * mode (no agent, tailwatch, and the OpenTelemetry agent when its jar is given), in an order that
 * rotates from round to round, warms it up, measures keep-alive and {@code Connection: close} load,
 * and stops it. The Markdown table gives medians over the rounds and ratios to no agent: throughput,
 * client P99, start-up to the first response, RSS and live heap after the load, and server CPU per
 * request. With tailwatch, its own mean and P99 over the measured interval stand beside wrk's.
 * {@code --chunks=N} measures N wrk runs of {@code --duration} seconds each in every start and keeps
 * the median run's figures: one server's throughput moves by 10 % and more from one 5 s run to the
 * next in one JVM here.
 * Client and server share the machine's cores, so the figures are ratios, not absolutes;
 * {@code --pin=true} gives the server a core of its own. {@code --variant=ARGS} adds a mode with more
 * agent arguments ({@code --variant=A;B}, a mode each); {@code --series=N} gives every service N label sets first and
 * {@code --scrape-every=S} adds a mode scraped every S seconds.
 * Run by {@code scripts/bench-servers}; not a test (no thresholds).
 */
public final class ServerOverhead {
    enum Kind {
        NONE("no agent"), TAILWATCH("tailwatch"), SCRAPED("tailwatch, scraped"), VARIANT("tailwatch"), OTEL("OpenTelemetry");

        final String title;

        Kind(String title) {
            this.title = title;
        }
    }

    /** How a server is started: with which agent, and for a variant, which more agent arguments. */
    record Mode(Kind kind, String variant) {
        static final Mode NONE = new Mode(Kind.NONE, "");
        static final Mode TAILWATCH = new Mode(Kind.TAILWATCH, "");
        static final Mode SCRAPED = new Mode(Kind.SCRAPED, "");
        static final Mode OTEL = new Mode(Kind.OTEL, "");

        static Mode variant(String agentArguments) {
            return new Mode(Kind.VARIANT, agentArguments);
        }

        /** The mode's name in the table; a variant's says its agent arguments. */
        String title() {
            return kind == Kind.VARIANT ? kind.title + ", " + variant : kind.title;
        }
    }

    /** A test service: how to start it. */
    record Server(String name, String classPath, String mainClass) {
    }

    /**
     * One wrk run, and what tailwatch said of the same interval (NaN in other modes); in the scraped
     * mode, how many scrapes ran during it and the median and longest of their times at the scraper.
     */
    record Load(double rps, double clientMeanMs, double clientP99Ms, double agentMeanMs, double agentP99Ms, double cpuMicrosPerRequest,
                int scrapes, double scrapeMedianMs, double scrapeMaxMs, JitWarmup.Result warmup) {
    }

    /** One start of a server in one mode. */
    record Run(double startupMs, Map<String, Load> loads, double rssMb, double liveHeapMb) {
    }

    static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
    static final Pattern METRICS = Pattern.compile("metrics at http://[^:]+:(\\d+)/metrics");
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private final Path root;
    private final Path agentJar;
    private final Path otelJar;
    private final Map<String, String> options;
    /** The machine's cores, read before {@code --pin} confines this JVM to one. */
    private final int cores = Runtime.getRuntime().availableProcessors();

    private ServerOverhead(Path root, Map<String, String> options) {
        this.root = root;
        this.agentJar = root.resolve("agent/target/tailwatch-agent.jar");
        this.otelJar = options.get("otel").isEmpty() ? null : Path.of(options.get("otel")).toAbsolutePath();
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("rounds", "3");
        options.put("duration", "10");
        options.put("chunks", "1");
        options.put("warmup", "auto");
        options.put("warmup-max", "180");
        options.put("connections", "16");
        options.put("threads", "2");
        options.put("workers", "8");
        options.put("path", "/hello");
        options.put("servers", "all");
        options.put("scenarios", "keep-alive,close");
        options.put("otel", "");
        options.put("scrape-every", "0");
        options.put("variant", "");
        options.put("pin", "false");
        options.put("series", "0");
        options.put("out", "");
        options.put("root", ".");
        BenchOptions.parse("ServerOverhead", options, args);
        new ServerOverhead(Path.of(options.get("root")).toAbsolutePath().normalize(), options).run();
    }

    private int option(String name) {
        return Integer.parseInt(options.get(name));
    }

    List<Server> servers() throws IOException {
        return servers(root, options.get("servers"));
    }

    /**
     * The servers whose service is built; a module not built is left out.
     *
     * @param wanted {@code all} or server names separated by commas
     */
    static List<Server> servers(Path root, String wanted) throws IOException {
        List<Server> all = new ArrayList<>();
        Path jdk = root.resolve("test-services/target/tailwatch-test-services.jar");
        all.add(new Server("jdk-httpserver", jdk + File.pathSeparator + jdk.resolveSibling("lib") + File.separator + "*",
                "io.tailwatch.testservices.JdkHttpService"));
        Path modules = root.resolve("test-servers");
        for (String[] m : new String[][]{
                {"tomcat11", "tomcat11", "io.tailwatch.testservers.tomcat11.Tomcat11Service"},
                {"tomcat9", "tomcat9", "io.tailwatch.testservers.tomcat9.Tomcat9Service"},
                {"jetty12-core", "jetty12", "io.tailwatch.testservers.jetty12.Jetty12CoreService"},
                {"jetty12-ee10", "jetty12", "io.tailwatch.testservers.jetty12.Jetty12Ee10Service"},
                {"jetty94", "jetty94", "io.tailwatch.testservers.jetty94.Jetty94Service"},
                {"undertow-core", "undertow", "io.tailwatch.testservers.undertow.UndertowCoreService"},
                {"undertow-servlet", "undertow", "io.tailwatch.testservers.undertow.UndertowServletService"},
                {"netty41", "netty41", "io.tailwatch.testservers.netty41.Netty41Service"},
                {"netty42", "netty42", "io.tailwatch.testservers.netty42.Netty42Service"},
                {"vertx4", "vertx4", "io.tailwatch.testservers.vertx5.Vertx5Service"},
                {"vertx5", "vertx5", "io.tailwatch.testservers.vertx5.Vertx5Service"},
                {"spring-mvc", "spring-mvc", "io.tailwatch.testservers.springmvc.SpringMvcService"},
                {"jersey", "jersey", "io.tailwatch.testservers.jersey.JerseyService"},
                {"spring-webflux", "spring-webflux", "io.tailwatch.testservers.springwebflux.SpringWebfluxService"}}) {
            Path dir = modules.resolve(m[1]).resolve("target");
            Path classPath = dir.resolve("service.classpath");
            if (Files.exists(classPath)) {
                all.add(new Server(m[0], dir.resolve("classes") + File.pathSeparator + Files.readString(classPath).trim(), m[2]));
            }
        }
        if (wanted.equals("all")) {
            return all;
        }
        List<Server> chosen = new ArrayList<>();
        for (String name : wanted.split(",")) {
            chosen.add(all.stream().filter(s -> s.name.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no built server named " + name)));
        }
        return chosen;
    }

    private List<Mode> modes() {
        List<Mode> modes = new ArrayList<>(List.of(Mode.NONE, Mode.TAILWATCH));
        if (option("scrape-every") > 0) {
            modes.add(Mode.SCRAPED);
        }
        for (String variant : options.get("variant").split(";")) {
            if (!variant.isEmpty()) {
                modes.add(Mode.variant(variant));
            }
        }
        if (otelJar != null) {
            modes.add(Mode.OTEL);
        }
        return modes;
    }

    private List<String> scenarios() {
        return List.of(options.get("scenarios").split(","));
    }

    private void run() throws Exception {
        if (pinned()) {
            // This JVM scrapes in the scraped mode.
            pinThisJvmToCore0();
        }
        List<Server> servers = servers();
        List<Mode> modes = modes();
        Map<String, Map<Mode, List<Run>>> runs = new LinkedHashMap<>();
        for (int round = 0; round < option("rounds"); round++) {
            for (Server server : servers) {
                for (int i = 0; i < modes.size(); i++) {
                    Mode mode = modes.get((i + round) % modes.size());
                    Run run = start(server, mode);
                    runs.computeIfAbsent(server.name, s -> new LinkedHashMap<>()).computeIfAbsent(mode, m -> new ArrayList<>()).add(run);
                    for (Map.Entry<String, Load> e : run.loads.entrySet()) {
                        Load l = e.getValue();
                        System.out.printf(Locale.ROOT, "round %d %-16s %-10s %-18s warm-up %3d s%s %8.0f req/s  client mean %6.2f ms p99 %6.2f ms  cpu %5.1f us/req%s%s%n",
                                round + 1, server.name, e.getKey(), mode.title(), l.warmup.seconds(), l.warmup.limited() ? " (limit)" : "", l.rps, l.clientMeanMs, l.clientP99Ms, l.cpuMicrosPerRequest,
                                tailwatch(mode) ? String.format(Locale.ROOT, "  agent mean %6.2f ms p99 %6.2f ms", l.agentMeanMs, l.agentP99Ms) : "",
                                mode.kind() == Kind.SCRAPED ? String.format(Locale.ROOT, "  %d scrapes, median %.1f ms, longest %.1f ms",
                                        l.scrapes, l.scrapeMedianMs, l.scrapeMaxMs) : "");
                    }
                    System.out.printf(Locale.ROOT, "round %d %-16s start-up %s: %.0f ms, RSS %.0f MB, live heap %.1f MB%n",
                            round + 1, server.name, mode.title(), run.startupMs, run.rssMb, run.liveHeapMb);
                }
            }
        }
        String table = table(runs, modes);
        System.out.println();
        System.out.println(table);
        if (!options.get("out").isEmpty()) {
            Files.writeString(Path.of(options.get("out")), table);
        }
    }

    private String table(Map<String, Map<Mode, List<Run>>> runs, List<Mode> modes) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Measured %s on %d cores (%s), JDK %s, by `scripts/bench-servers%s`: wrk -t%d -c%d, %s per run after %s, "
                        + "%s, median of %d interleaved rounds; worker pool %d%s.%n%n",
                LocalDate.now(), cores, System.getProperty("os.arch"),
                System.getProperty("java.runtime.version"), String.join(" ", argsForDisplay()), option("threads"), option("connections"),
                option("chunks") == 1 ? option("duration") + " s" : String.format(Locale.ROOT, "%d runs of %d s (the median run's req/s and latency)",
                        option("chunks"), option("duration")), autoWarmup()
                        ? String.format(Locale.ROOT, "a warm-up under the same load until the server's JIT compilers used under %.0f %% of a core in %d chunks of %d s in a row"
                                + " (at most %d s; the warm-up column)", JitWarmup.QUIET_SHARE * 100, JitWarmup.QUIET_CHUNKS, JitWarmup.CHUNK_SECONDS, option("warmup-max"))
                        : option("warmup") + " s of warm-up", options.get("path"), option("rounds"), option("workers"),
                pinned() ? "; server on core 1, wrk and the scraper on core 0" : ""));
        out.append("| server | load | mode | warm-up | req/s | ×req/s | client P99 | ×P99 | CPU µs/req | client mean | tailwatch mean | tailwatch P99 |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<Mode, List<Run>>> server : runs.entrySet()) {
            for (String scenario : scenarios()) {
                List<Load> base = loads(server.getValue().get(Mode.NONE), scenario);
                double rps0 = median(base, Load::rps);
                double p990 = median(base, Load::clientP99Ms);
                for (Mode mode : modes) {
                    List<Load> loads = loads(server.getValue().get(mode), scenario);
                    double rps = median(loads, Load::rps);
                    double p99 = median(loads, Load::clientP99Ms);
                    out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s%.0f s | %.0f | %s | %.2f ms | %s | %.1f | %.2f ms | %s | %s |%n",
                            server.getKey(), scenario, mode.title(), loads.stream().anyMatch(l -> l.warmup.limited()) ? "≥ " : "",
                            median(loads, l -> l.warmup.seconds()), rps, mode.kind() == Kind.NONE ? "" : String.format(Locale.ROOT, "%.3f", rps / rps0),
                            p99, mode.kind() == Kind.NONE ? "" : String.format(Locale.ROOT, "%.3f", p99 / p990), median(loads, Load::cpuMicrosPerRequest),
                            median(loads, Load::clientMeanMs),
                            tailwatch(mode) ? String.format(Locale.ROOT, "%.2f ms", median(loads, Load::agentMeanMs)) : "",
                            tailwatch(mode) ? String.format(Locale.ROOT, "%.2f ms", median(loads, Load::agentP99Ms)) : ""));
                }
            }
        }
        if (option("series") > 0) {
            out.append(String.format(Locale.ROOT, "%nBefore its warm-up, every service was sent %d requests to /status/?code=N with 8 methods and"
                    + " %d status codes: %d label sets, the measured GET 200 among them.%n", option("series"), statusCodes(option("series")).size(), option("series")));
        }
        if (option("scrape-every") > 0) {
            out.append(String.format(Locale.ROOT, "%ntailwatch, scraped: as tailwatch, and /metrics fetched every %d s from the warm-up on (the measured run's scrapes counted), with"
                    + " Prometheus' Accept and Accept-Encoding: gzip headers. Scrapes per run, median and longest scrape at the scraper (medians over the rounds):%n",
                    option("scrape-every")));
            for (Map.Entry<String, Map<Mode, List<Run>>> server : runs.entrySet()) {
                for (String scenario : scenarios()) {
                    List<Load> loads = loads(server.getValue().get(Mode.SCRAPED), scenario);
                    out.append(String.format(Locale.ROOT, "- %s, %s: %.0f scrapes, median %.1f ms, longest %.1f ms%n", server.getKey(), scenario,
                            median(loads, l -> l.scrapes), median(loads, Load::scrapeMedianMs), median(loads, Load::scrapeMaxMs)));
                }
            }
        }
        out.append("\n| server | mode | start-up to first 200 | RSS after load | live heap after load |\n|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<Mode, List<Run>>> server : runs.entrySet()) {
            for (Mode mode : modes) {
                List<Run> r = server.getValue().get(mode);
                out.append(String.format(Locale.ROOT, "| %s | %s | %.0f ms | %.0f MB | %.1f MB |%n", server.getKey(), mode.title(),
                        medianRuns(r, Run::startupMs), medianRuns(r, Run::rssMb), medianRuns(r, Run::liveHeapMb)));
            }
        }
        out.append("\nEvery JVM: -Xmx512m -Dsun.net.httpserver.nodelay=true. tailwatch: ").append(agentJar.getFileName())
                .append("=host=127.0.0.1,port=0,window=").append(windowSeconds()).append("s\n");
        if (otelJar != null) {
            out.append("\nOpenTelemetry: ").append(otelJar.getFileName()).append(", ").append(String.join(" ", otelOptions("<free port>"))).append('\n');
        }
        return out.toString();
    }

    private List<String> argsForDisplay() {
        List<String> shown = new ArrayList<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!e.getKey().equals("root") && !e.getKey().equals("otel") && !e.getKey().equals("out")) {
                String arg = "--" + e.getKey() + "=" + e.getValue();
                // Several variants are ';'-separated: quoted, the command can be pasted into a shell.
                shown.add(e.getValue().contains(";") ? "'" + arg + "'" : arg);
            }
        }
        shown.add(0, "");
        return shown;
    }

    private static List<Load> loads(List<Run> runs, String scenario) {
        List<Load> loads = new ArrayList<>();
        for (Run r : runs) {
            loads.add(r.loads.get(scenario));
        }
        return loads;
    }

    static double median(List<Load> values, ToDoubleFunction<Load> f) {
        return median(values.stream().mapToDouble(f).sorted().toArray());
    }

    private static double medianRuns(List<Run> values, ToDoubleFunction<Run> f) {
        return median(values.stream().mapToDouble(f).sorted().toArray());
    }

    private static double medianOf(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static List<String> otelOptions(String metricsPort) {
        // Metrics only: no span is recorded or exported; HTTP server metrics are exposed for Prometheus.
        return List.of("-Dotel.traces.sampler=always_off", "-Dotel.traces.exporter=none", "-Dotel.logs.exporter=none",
                "-Dotel.metrics.exporter=prometheus", "-Dotel.exporter.prometheus.host=127.0.0.1",
                "-Dotel.exporter.prometheus.port=" + metricsPort, "-Dotel.javaagent.logging=none");
    }

    private Run start(Server server, Mode mode) throws Exception {
        // nodelay on the command line: the JDK server reads it once, and an agent that loads its
        // configuration before main (OpenTelemetry does) would otherwise leave each keep-alive
        // response waiting some 40 ms for Nagle's algorithm. The other servers ignore it.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dsun.net.httpserver.nodelay=true"));
        if (tailwatch(mode)) {
            // The quantile window is the measured interval, so the agent's P99 is that of the same requests as wrk's.
            command.add("-javaagent:" + agentJar + "=host=127.0.0.1,port=0,window=" + windowSeconds() + "s"
                    + (mode.kind() == Kind.VARIANT ? "," + mode.variant() : ""));
        } else if (mode.kind() == Kind.OTEL) {
            command.addAll(otelOptions(Integer.toString(freePort())));
            command.add("-javaagent:" + otelJar);
        }
        command.addAll(List.of("-cp", server.classPath, server.mainClass, "0", Integer.toString(option("workers"))));
        long started = System.nanoTime();
        if (pinned()) {
            command.addAll(0, List.of("taskset", "-c", "1"));
        }
        Process process = new ProcessBuilder(command).start();
        List<String> stdout = pump(process.getInputStream());
        List<String> stderr = pump(process.getErrorStream());
        try {
            int port = Integer.parseInt(await(stdout, LISTENING, process, stderr));
            String url = "http://127.0.0.1:" + port + options.get("path");
            double startupMs = firstSuccess(url, started);
            int metrics = tailwatch(mode) ? Integer.parseInt(await(stderr, METRICS, process, stderr)) : -1;
            if (option("series") > 0) {
                populate(port, option("series"));
            }
            Map<String, Load> loads = new LinkedHashMap<>();
            for (String scenario : scenarios()) {
                boolean close = scenario.equals("close");
                // Scraped through the warm-up too, as Prometheus would be: the scrape code is compiled before the measured run.
                Scraper scraper = mode.kind() == Kind.SCRAPED ? new Scraper(metrics, option("scrape-every")) : null;
                JitWarmup.Result warmup = warmUp(process.pid(), url, close);
                String before = metrics > 0 ? scrape(metrics) : null;
                long cpuBefore = cpuTicks(process.pid());
                if (scraper != null) {
                    scraper.forgetSoFar();
                }
                // The measured run in chunks, each its own wrk: a server's throughput moves by 10 % and
                // more from one 5 s stretch to the next in one JVM, and the median chunk ignores a stray one.
                List<Double> chunkRps = new ArrayList<>();
                List<Double> chunkMeanMs = new ArrayList<>();
                List<Double> chunkP99Ms = new ArrayList<>();
                double requests = 0;
                for (int chunk = 0; chunk < option("chunks"); chunk++) {
                    String output = wrk(url, option("duration"), close);
                    double chunkRate = requestsPerSecond(output);
                    chunkRps.add(chunkRate);
                    chunkMeanMs.add(latencyMs(output, "Latency\\s+(\\S+)"));
                    chunkP99Ms.add(latencyMs(output, "\\s99%\\s+(\\S+)"));
                    requests += chunkRate * option("duration");
                }
                List<Double> scrapeMs = scraper == null ? List.of() : scraper.stop();
                long cpuTicks = cpuTicks(process.pid()) - cpuBefore;
                double agentMean = Double.NaN;
                double agentP99 = Double.NaN;
                if (metrics > 0) {
                    String after = scrape(metrics);
                    double count = total(after, "http_server_request_duration_seconds_count") - total(before, "http_server_request_duration_seconds_count");
                    double sum = total(after, "http_server_request_duration_seconds_sum") - total(before, "http_server_request_duration_seconds_sum");
                    agentMean = sum / count * 1e3;
                    agentP99 = total(after, "tailwatch_http_server_request_duration_quantile_seconds{quantile=\"0.99\"}") * 1e3;
                }
                loads.put(scenario, new Load(medianOf(chunkRps), medianOf(chunkMeanMs), medianOf(chunkP99Ms),
                        agentMean, agentP99, cpuTicks * (1e6 / CLOCK_TICKS_PER_SECOND) / requests, scrapeMs.size(),
                        scrapeMs.isEmpty() ? Double.NaN : median(scrapeMs.stream().mapToDouble(Double::doubleValue).sorted().toArray()),
                        scrapeMs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), warmup));
            }
            return new Run(startupMs, loads, rssMb(process.pid()), liveHeapMb(process.pid()));
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** This JVM's threads, present and future, go with wrk on core 0, away from the server's core 1. */
    static void pinThisJvmToCore0() throws IOException, InterruptedException {
        Process pin = new ProcessBuilder("taskset", "-a", "-p", "-c", "0", Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true).start();
        String said = new String(pin.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (pin.waitFor() != 0) {
            throw new IllegalStateException("taskset failed: " + said);
        }
    }

    /**
     * {@code --warmup=auto}: load until the server's JIT compilers are quiet (see {@link JitWarmup}),
     * for at most {@code --warmup-max} seconds; {@code --warmup=N}: load for N seconds.
     */
    private JitWarmup.Result warmUp(long pid, String url, boolean close) throws IOException, InterruptedException {
        if (autoWarmup()) {
            return JitWarmup.untilQuiet(pid, seconds -> wrk(url, seconds, close), option("warmup-max"));
        }
        wrk(url, option("warmup"), close);
        return new JitWarmup.Result(option("warmup"), false);
    }

    private boolean autoWarmup() {
        return options.get("warmup").equals("auto");
    }

    /**
     * With {@code --pin=true} the server runs on core 1, and wrk and this JVM on core 0 ({@code taskset}): the two
     * no longer trade cores from one moment to the next, which moved a run's throughput by up to
     * half; and everything the server's JVM does (the agent's threads, JIT, GC) is on its core.
     */
    private boolean pinned() {
        return Boolean.parseBoolean(options.get("pin"));
    }

    /** The agent's quantile window: the whole measured run, so that its P99 is that of the same requests as wrk's. */
    private int windowSeconds() {
        return Math.max(6, option("duration") * option("chunks"));
    }

    private static boolean tailwatch(Mode mode) {
        return mode.kind() != Kind.NONE && mode.kind() != Kind.OTEL;
    }

    private static final String[] POPULATE_METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"};

    /** Enough status codes from 200 to 599 (not 204, 205, 304: they take no body) for {@code series} label sets with 8 methods. */
    static List<Integer> statusCodes(int series) {
        List<Integer> codes = new ArrayList<>();
        for (int code = 200; code < 600 && codes.size() * POPULATE_METHODS.length < series; code++) {
            if (code != 204 && code != 205 && code != 304) {
                codes.add(code);
            }
        }
        if (codes.size() * POPULATE_METHODS.length < series) {
            throw new IllegalArgumentException("--series is at most " + codes.size() * POPULATE_METHODS.length);
        }
        return codes;
    }

    /**
     * Makes {@code series} label sets (method x status code) with one request each to the service's
     * {@code /status/?code=N} (the JDK test service has it), over raw sockets: the JDK's HTTP client
     * refuses some methods.
     */
    private static void populate(int port, int series) throws IOException {
        List<Integer> codes = statusCodes(series);
        int sent = 0;
        for (int code : codes) {
            for (String method : POPULATE_METHODS) {
                if (sent++ == series) {
                    return;
                }
                try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write((method + " /status/?code=" + code + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                    if (status == null || !status.startsWith("HTTP/1.1 " + code)) {
                        throw new IllegalStateException(method + " /status/?code=" + code + " answered " + status
                                + "; --series needs a service with /status/?code=N (jdk-httpserver)");
                    }
                }
            }
        }
    }

    /** Fetches /metrics as Prometheus does, every so many seconds, until stopped; keeps each scrape's time. */
    private static final class Scraper {
        private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        private final List<Double> millis = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean stopped;

        Scraper(int port, int everySeconds) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .header("Accept", PROMETHEUS_ACCEPT).header("Accept-Encoding", "gzip").build();
            thread = new Thread(() -> {
                long next = System.nanoTime();
                while (!stopped) {
                    try {
                        long started = System.nanoTime();
                        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("/metrics answered " + response.statusCode());
                        }
                        millis.add((System.nanoTime() - started) / 1e6);
                        next += TimeUnit.SECONDS.toNanos(everySeconds);
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "scraper");
            thread.setDaemon(true);
            thread.start();
        }

        /** Keeps only the scrapes from now on. */
        void forgetSoFar() {
            millis.clear();
        }

        List<Double> stop() throws InterruptedException {
            stopped = true;
            thread.interrupt();
            thread.join();
            return new ArrayList<>(millis);
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Milliseconds from the JVM's launch to the first 200 from {@code url}, polled every millisecond. */
    private static double firstSuccess(String url, long startedNanos) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = startedNanos + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1e6;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no 200 from " + url + " within 60 s");
    }

    private String wrk(String url, int seconds, boolean close) throws IOException, InterruptedException {
        return wrk(pinned(), option("threads"), option("connections"), url, seconds, close);
    }

    /** wrk's output for a run against {@code url}; pinned, on core 0. Fails for an error or a non-2xx answer. */
    static String wrk(boolean pinned, int threads, int connections, String url, int seconds, boolean close)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(pinned ? List.of("taskset", "-c", "0") : List.of());
        command.addAll(List.of("wrk", "-t" + threads, "-c" + connections,
                "-d" + seconds + "s", "--latency"));
        if (close) {
            command.addAll(List.of("-H", "Connection: close"));
        }
        command.add(url);
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0 || output.contains("Non-2xx")) {
            throw new IllegalStateException("wrk against " + url + " failed:\n" + output);
        }
        return output;
    }

    /** User plus system CPU of a process, in clock ticks, from /proc/PID/stat. */
    static long cpuTicks(long pid) throws IOException {
        return cpuTicks(Path.of("/proc/" + pid + "/stat"));
    }

    /** User plus system CPU, in clock ticks, from a process's or a thread's {@code stat} file. */
    static long cpuTicks(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /** Bytes of live objects, from a full-GC class histogram ({@code jcmd PID GC.class_histogram}). */
    private static double liveHeapMb(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(output);
        return m.find() ? Long.parseLong(m.group(1)) / 1048576.0 : Double.NaN;
    }

    static double requestsPerSecond(String wrkOutput) {
        Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(wrkOutput);
        if (!m.find()) {
            throw new IllegalStateException("no Requests/sec in wrk output:\n" + wrkOutput);
        }
        return Double.parseDouble(m.group(1));
    }

    /** A wrk duration such as {@code 812.00us}, {@code 1.25ms} or {@code 2.01s}, in milliseconds. */
    static double latencyMs(String wrkOutput, String regex) {
        Matcher m = Pattern.compile(regex).matcher(wrkOutput);
        if (!m.find()) {
            throw new IllegalStateException("no match for " + regex + " in wrk output:\n" + wrkOutput);
        }
        Matcher v = Pattern.compile("([0-9.]+)(us|ms|s|m)").matcher(m.group(1));
        if (!v.matches()) {
            throw new IllegalStateException("unreadable duration " + m.group(1));
        }
        double n = Double.parseDouble(v.group(1));
        switch (v.group(2)) {
            case "us": return n / 1e3;
            case "ms": return n;
            case "s": return n * 1e3;
            default: return n * 60e3;
        }
    }

    /** Sum of the samples of a metric (or the one sample given with its labels) in a scrape. */
    static double total(String scrape, String nameOrSample) {
        double sum = 0;
        // simpleclient may end a label set with a comma: match a labelled sample without its closing brace.
        String prefix = nameOrSample.endsWith("}") ? nameOrSample.substring(0, nameOrSample.length() - 1) : nameOrSample;
        for (String line : scrape.split("\n")) {
            boolean labelled = prefix.contains("{")
                    ? line.startsWith(prefix) && ",} ".indexOf(line.charAt(prefix.length())) >= 0
                    : line.startsWith(prefix + "{");
            if (line.startsWith(prefix + " ") || labelled) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static String scrape(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static List<String> pump(InputStream stream) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        });
        t.setDaemon(true);
        t.start();
        return lines;
    }

    static String await(List<String> lines, Pattern pattern, Process process, List<String> stderr) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            for (String line : lines) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("the service printed no " + pattern + "; output: " + lines + " stderr: " + stderr);
    }
}
