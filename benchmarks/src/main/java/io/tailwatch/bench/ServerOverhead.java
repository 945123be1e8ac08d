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
 * Client and server share the machine's cores, so the figures are ratios, not absolutes.
 * Run by {@code scripts/bench-servers}; not a test (no thresholds).
 */
public final class ServerOverhead {
    enum Mode {
        NONE("no agent"), TAILWATCH("tailwatch"), OTEL("OpenTelemetry");

        final String title;

        Mode(String title) {
            this.title = title;
        }
    }

    /** A test service: how to start it. */
    record Server(String name, String classPath, String mainClass) {
    }

    /** One wrk run, and what tailwatch said of the same interval (NaN in other modes). */
    record Load(double rps, double clientMeanMs, double clientP99Ms, double agentMeanMs, double agentP99Ms, double cpuMicrosPerRequest) {
    }

    /** One start of a server in one mode. */
    record Run(double startupMs, Map<String, Load> loads, double rssMb, double liveHeapMb) {
    }

    private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics at http://[^:]+:(\\d+)/metrics");
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final Path root;
    private final Path agentJar;
    private final Path otelJar;
    private final Map<String, String> options;

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
        options.put("warmup", "5");
        options.put("connections", "16");
        options.put("threads", "2");
        options.put("workers", "8");
        options.put("path", "/hello");
        options.put("servers", "all");
        options.put("scenarios", "keep-alive,close");
        options.put("otel", "");
        options.put("out", "");
        options.put("root", ".");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0 || !options.containsKey(arg.substring(2, eq))) {
                System.err.println("usage: ServerOverhead [--" + String.join("=.. --", options.keySet()) + "=..]");
                System.exit(2);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
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
        return otelJar == null ? List.of(Mode.NONE, Mode.TAILWATCH) : List.of(Mode.NONE, Mode.TAILWATCH, Mode.OTEL);
    }

    private List<String> scenarios() {
        return List.of(options.get("scenarios").split(","));
    }

    private void run() throws Exception {
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
                        System.out.printf(Locale.ROOT, "round %d %-16s %-10s %-13s %8.0f req/s  client mean %6.2f ms p99 %6.2f ms  cpu %5.1f us/req%s%n",
                                round + 1, server.name, e.getKey(), mode.title, l.rps, l.clientMeanMs, l.clientP99Ms, l.cpuMicrosPerRequest,
                                mode == Mode.TAILWATCH ? String.format(Locale.ROOT, "  agent mean %6.2f ms p99 %6.2f ms", l.agentMeanMs, l.agentP99Ms) : "");
                    }
                    System.out.printf(Locale.ROOT, "round %d %-16s start-up %s: %.0f ms, RSS %.0f MB, live heap %.1f MB%n",
                            round + 1, server.name, mode.title, run.startupMs, run.rssMb, run.liveHeapMb);
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
        out.append(String.format(Locale.ROOT, "Measured %s on %d cores (%s), JDK %s, by `scripts/bench-servers%s`: wrk -t%d -c%d, %d s per run after %d s of warm-up, "
                        + "%s, median of %d interleaved rounds; worker pool %d.%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
                System.getProperty("java.runtime.version"), String.join(" ", argsForDisplay()), option("threads"), option("connections"),
                option("duration"), option("warmup"), options.get("path"), option("rounds"), option("workers")));
        out.append("| server | load | mode | req/s | ×req/s | client P99 | ×P99 | CPU µs/req | client mean | tailwatch mean | tailwatch P99 |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<Mode, List<Run>>> server : runs.entrySet()) {
            for (String scenario : scenarios()) {
                List<Load> base = loads(server.getValue().get(Mode.NONE), scenario);
                double rps0 = median(base, Load::rps);
                double p990 = median(base, Load::clientP99Ms);
                for (Mode mode : modes) {
                    List<Load> loads = loads(server.getValue().get(mode), scenario);
                    double rps = median(loads, Load::rps);
                    double p99 = median(loads, Load::clientP99Ms);
                    out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %s | %.2f ms | %s | %.1f | %.2f ms | %s | %s |%n",
                            server.getKey(), scenario, mode.title, rps, mode == Mode.NONE ? "" : String.format(Locale.ROOT, "%.3f", rps / rps0),
                            p99, mode == Mode.NONE ? "" : String.format(Locale.ROOT, "%.3f", p99 / p990), median(loads, Load::cpuMicrosPerRequest),
                            median(loads, Load::clientMeanMs),
                            mode == Mode.TAILWATCH ? String.format(Locale.ROOT, "%.2f ms", median(loads, Load::agentMeanMs)) : "",
                            mode == Mode.TAILWATCH ? String.format(Locale.ROOT, "%.2f ms", median(loads, Load::agentP99Ms)) : ""));
                }
            }
        }
        out.append("\n| server | mode | start-up to first 200 | RSS after load | live heap after load |\n|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<Mode, List<Run>>> server : runs.entrySet()) {
            for (Mode mode : modes) {
                List<Run> r = server.getValue().get(mode);
                out.append(String.format(Locale.ROOT, "| %s | %s | %.0f ms | %.0f MB | %.1f MB |%n", server.getKey(), mode.title,
                        medianRuns(r, Run::startupMs), medianRuns(r, Run::rssMb), medianRuns(r, Run::liveHeapMb)));
            }
        }
        out.append("\nEvery JVM: -Xmx512m -Dsun.net.httpserver.nodelay=true. tailwatch: ").append(agentJar.getFileName())
                .append("=host=127.0.0.1,port=0,window=").append(Math.max(6, option("duration"))).append("s\n");
        if (otelJar != null) {
            out.append("\nOpenTelemetry: ").append(otelJar.getFileName()).append(", ").append(String.join(" ", otelOptions("<free port>"))).append('\n');
        }
        return out.toString();
    }

    private List<String> argsForDisplay() {
        List<String> shown = new ArrayList<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!e.getKey().equals("root") && !e.getKey().equals("otel") && !e.getKey().equals("out")) {
                shown.add("--" + e.getKey() + "=" + e.getValue());
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
        if (mode == Mode.TAILWATCH) {
            // The quantile window is the measured interval, so the agent's P99 is that of the same requests as wrk's.
            command.add("-javaagent:" + agentJar + "=host=127.0.0.1,port=0,window=" + Math.max(6, option("duration")) + "s");
        } else if (mode == Mode.OTEL) {
            command.addAll(otelOptions(Integer.toString(freePort())));
            command.add("-javaagent:" + otelJar);
        }
        command.addAll(List.of("-cp", server.classPath, server.mainClass, "0", Integer.toString(option("workers"))));
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).start();
        List<String> stdout = pump(process.getInputStream());
        List<String> stderr = pump(process.getErrorStream());
        try {
            int port = Integer.parseInt(await(stdout, LISTENING, process, stderr));
            String url = "http://127.0.0.1:" + port + options.get("path");
            double startupMs = firstSuccess(url, started);
            int metrics = mode == Mode.TAILWATCH ? Integer.parseInt(await(stderr, METRICS, process, stderr)) : -1;
            Map<String, Load> loads = new LinkedHashMap<>();
            for (String scenario : scenarios()) {
                boolean close = scenario.equals("close");
                wrk(url, option("warmup"), close);
                String before = metrics > 0 ? scrape(metrics) : null;
                long cpuBefore = cpuTicks(process.pid());
                String output = wrk(url, option("duration"), close);
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
                double rps = requestsPerSecond(output);
                double requests = rps * option("duration");
                loads.put(scenario, new Load(rps, latencyMs(output, "Latency\\s+(\\S+)"), latencyMs(output, "\\s99%\\s+(\\S+)"),
                        agentMean, agentP99, cpuTicks * (1e6 / CLOCK_TICKS_PER_SECOND) / requests));
            }
            return new Run(startupMs, loads, rssMb(process.pid()), liveHeapMb(process.pid()));
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
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
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + option("threads"), "-c" + option("connections"),
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
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
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

    private static List<String> pump(InputStream stream) {
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

    private static String await(List<String> lines, Pattern pattern, Process process, List<String> stderr) throws InterruptedException {
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
