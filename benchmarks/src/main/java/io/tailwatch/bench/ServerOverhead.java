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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the agent costs each instrumented server under {@code wrk}: every round starts the server
 * once without and once with the agent (alternating which goes first), warms it up, measures, and
 * stops it; the table gives the median of the rounds and the ratios with/without. With the agent,
 * the agent's own mean and P99 over the measured interval are printed beside the client's, so a
 * reader sees them agree. Run by {@code scripts/bench-servers}; not a test (no thresholds).
 */
public final class ServerOverhead {
    /** A test service: how to start it. */
    record Server(String name, String classPath, String mainClass) {
    }

    /** One wrk measurement, and what the agent said about the same interval (NaN without the agent). */
    record Result(double rps, double clientMeanMs, double clientP99Ms, double agentMeanMs, double agentP99Ms) {
    }

    private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics at http://[^:]+:(\\d+)/metrics");

    private final Path root;
    private final Path agentJar;
    private final Map<String, String> options;

    private ServerOverhead(Path root, Map<String, String> options) {
        this.root = root;
        this.agentJar = root.resolve("agent/target/tailwatch-agent.jar");
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("rounds", "3", "duration", "10", "warmup", "5",
                "connections", "16", "threads", "2", "workers", "8", "path", "/hello", "servers", "all", "root", "."));
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

    /** The servers whose service is built; a module not built is left out, and said so. */
    List<Server> servers() throws IOException {
        List<Server> all = new ArrayList<>();
        Path jdk = root.resolve("test-services/target/tailwatch-test-services.jar");
        all.add(new Server("jdk-httpserver", jdk + File.pathSeparator + jdk.resolveSibling("lib") + File.separator + "*",
                "io.tailwatch.testservices.JdkHttpService"));
        Path modules = root.resolve("test-servers");
        for (String[] m : new String[][]{
                {"tomcat11", "io.tailwatch.testservers.tomcat11.Tomcat11Service"},
                {"tomcat9", "io.tailwatch.testservers.tomcat9.Tomcat9Service"},
                {"jetty12-core", "io.tailwatch.testservers.jetty12.Jetty12CoreService"},
                {"jetty12-ee10", "io.tailwatch.testservers.jetty12.Jetty12Ee10Service"},
                {"undertow-core", "io.tailwatch.testservers.undertow.UndertowCoreService"},
                {"undertow-servlet", "io.tailwatch.testservers.undertow.UndertowServletService"},
                {"netty41", "io.tailwatch.testservers.netty41.Netty41Service"},
                {"netty42", "io.tailwatch.testservers.netty42.Netty42Service"},
                {"vertx5", "io.tailwatch.testservers.vertx5.Vertx5Service"},
                {"spring-mvc", "io.tailwatch.testservers.springmvc.SpringMvcService"},
                {"spring-webflux", "io.tailwatch.testservers.springwebflux.SpringWebfluxService"}}) {
            String module = m[0].replaceFirst("-(core|ee10|servlet)$", "");
            Path dir = modules.resolve(module).resolve("target");
            Path classPath = dir.resolve("service.classpath");
            if (Files.exists(classPath)) {
                all.add(new Server(m[0], dir.resolve("classes") + File.pathSeparator + Files.readString(classPath).trim(), m[1]));
            }
        }
        String wanted = options.get("servers");
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

    private void run() throws Exception {
        List<Server> servers = servers();
        System.out.printf(Locale.ROOT, "# wrk -t%d -c%d -d%ds %s (keep-alive), %d s warm-up, %d rounds, worker pool %d, JDK %s%n",
                option("threads"), option("connections"), option("duration"), options.get("path"), option("warmup"),
                option("rounds"), option("workers"), System.getProperty("java.runtime.version"));
        Map<Server, List<Result>> without = new LinkedHashMap<>();
        Map<Server, List<Result>> with = new LinkedHashMap<>();
        for (int round = 0; round < option("rounds"); round++) {
            for (Server server : servers) {
                boolean agentFirst = round % 2 == 1;
                for (boolean agent : new boolean[]{agentFirst, !agentFirst}) {
                    Result r = measure(server, agent);
                    (agent ? with : without).computeIfAbsent(server, s -> new ArrayList<>()).add(r);
                    System.out.printf(Locale.ROOT, "round %d %-17s %-13s %9.0f req/s  client mean %6.2f ms p99 %6.2f ms%s%n",
                            round + 1, server.name, agent ? "with agent" : "without", r.rps, r.clientMeanMs, r.clientP99Ms,
                            agent ? String.format(Locale.ROOT, "  agent mean %6.2f ms p99 %6.2f ms", r.agentMeanMs, r.agentP99Ms) : "");
                }
            }
        }
        System.out.println();
        System.out.println("| server | req/s without | req/s with | ratio | P99 without | P99 with | ratio | client mean (with) | agent mean | agent P99 |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (Server server : servers) {
            double rps0 = median(without.get(server), Result::rps);
            double rps1 = median(with.get(server), Result::rps);
            double p990 = median(without.get(server), Result::clientP99Ms);
            double p991 = median(with.get(server), Result::clientP99Ms);
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.3f | %.2f ms | %.2f ms | %.3f | %.2f ms | %.2f ms | %.2f ms |%n",
                    server.name, rps0, rps1, rps1 / rps0, p990, p991, p991 / p990, median(with.get(server), Result::clientMeanMs),
                    median(with.get(server), Result::agentMeanMs), median(with.get(server), Result::agentP99Ms));
        }
    }

    private static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = results.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private Result measure(Server server, boolean agent) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        if (agent) {
            // The quantile window is the measured interval, so the agent's P99 is that of the same requests as wrk's.
            command.add("-javaagent:" + agentJar + "=host=127.0.0.1,port=0,window=" + Math.max(6, option("duration")) + "s");
        }
        command.addAll(List.of("-cp", server.classPath, server.mainClass, "0", Integer.toString(option("workers"))));
        Process process = new ProcessBuilder(command).start();
        List<String> stdout = pump(process.getInputStream());
        List<String> stderr = pump(process.getErrorStream());
        try {
            int port = Integer.parseInt(await(stdout, LISTENING, process));
            int metrics = agent ? Integer.parseInt(await(stderr, METRICS, process)) : -1;
            String url = "http://127.0.0.1:" + port + options.get("path");
            wrk(url, option("warmup"));
            String before = agent ? scrape(metrics) : null;
            String output = wrk(url, option("duration"));
            double agentMean = Double.NaN;
            double agentP99 = Double.NaN;
            if (agent) {
                String after = scrape(metrics);
                double count = total(after, "http_server_request_duration_seconds_count") - total(before, "http_server_request_duration_seconds_count");
                double sum = total(after, "http_server_request_duration_seconds_sum") - total(before, "http_server_request_duration_seconds_sum");
                agentMean = sum / count * 1e3;
                agentP99 = total(after, "tailwatch_http_server_request_duration_quantile_seconds{quantile=\"0.99\"}") * 1e3;
            }
            return new Result(requestsPerSecond(output), latencyMs(output, "Latency\\s+(\\S+)"), latencyMs(output, "\\s99%\\s+(\\S+)"),
                    agentMean, agentP99);
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private String wrk(String url, int seconds) throws IOException, InterruptedException {
        Process wrk = new ProcessBuilder("wrk", "-t" + option("threads"), "-c" + option("connections"), "-d" + seconds + "s",
                "--latency", url).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0 || output.contains("Non-2xx") || output.contains("Socket errors")) {
            throw new IllegalStateException("wrk against " + url + " failed or saw errors:\n" + output);
        }
        return output;
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

    /** Sum of the samples of a metric (or of one sample, given with its labels) in a scrape. */
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

    private static String await(List<String> lines, Pattern pattern, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            for (String line : lines) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the service printed no " + pattern + "; output: " + lines);
    }
}
