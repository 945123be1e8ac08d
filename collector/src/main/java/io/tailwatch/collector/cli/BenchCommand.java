package io.tailwatch.collector.cli;

import io.tailwatch.collector.baseline.BaselineTable;
import io.tailwatch.collector.baseline.RankedTable;
import io.tailwatch.collector.baseline.Scenario;
import io.tailwatch.collector.bench.ClientReport;
import io.tailwatch.collector.bench.LoadClient;
import io.tailwatch.collector.render.Format;
import io.tailwatch.collector.scrape.MetricsFetcher;
import io.tailwatch.collector.scrape.ScrapeException;
import io.tailwatch.collector.scrape.Snapshot;
import io.tailwatch.collector.table.TargetRow;
import io.tailwatch.collector.table.Window;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {
            "The study's method on your own service: runs wrk or ab as the scenario says for --duration, scrapes the agent"
                + " before and after, and prints the scenario's table with two rows for the service, the client's figures and"
                + " the agent's, ranked among the reference rows."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL", required = true, description = "The service's URL to load, e.g. http://127.0.0.1:8080/.")
    URI url;

    @Option(names = "--agent", paramLabel = "URL", required = true,
            description = "The service's agent, e.g. http://127.0.0.1:9464/metrics (host:port means its /metrics).")
    String agent;

    @Option(names = "--scenario", paramLabel = "NAME", required = true,
            description = "keepalive-wrk, close-wrk (wrk -H 'Connection: close'), keepalive-ab (ab -k) or close-ab (ab).")
    String scenario;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long the client runs (default ${DEFAULT-VALUE}; whole seconds).")
    Duration duration;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "100", description = "Concurrent connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--threads", paramLabel = "N", description = "wrk's threads (default: the machine's cores, at most --connections).")
    Integer threads;

    @Option(names = "--baseline", paramLabel = "FILE", description = "More reference rows, as for table. Repeatable.")
    List<Path> baselines = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "markdown", description = "markdown (default), csv or json.")
    Format format;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Longest wait for the agent's or the service's answer before and after (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    AgentAccessOptions agentAccess = new AgentAccessOptions();

    @ParentCommand
    CollectorMain main;

    @Override
    public Integer call() throws Exception {
        Scenario chosen = Scenario.byId(scenario);
        if (url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalArgumentException("--url must be an http(s) URL such as http://127.0.0.1:8080/, not " + url);
        }
        if (duration.toMillis() < 1000 || connections < 1) {
            throw new IllegalArgumentException("--duration must be at least 1s and --connections at least 1");
        }
        URI agentUri = MetricsFetcher.targetUri(agent);
        List<BaselineTable> extra = TableOptions.baselineTablesOf(baselines);
        LoadClient client = LoadClient.of(chosen);
        Path executable = client.find(System.getenv("PATH"));
        checkReachable();
        MetricsFetcher fetcher = new MetricsFetcher(timeout, agentAccess.access());
        Snapshot before = scrape(fetcher, agentUri);

        int wrkThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        List<String> command = client.commandLine(executable, chosen, url, duration, connections, wrkThreads);
        main.err.println("bench: " + String.join(" ", command));
        String output = run(command, fetcher, agentUri, before);
        Snapshot after = scrape(fetcher, agentUri);

        ClientReport report = ClientReport.parse(client, output);
        report.errorLines().forEach(line -> main.err.println("bench: " + client.command() + " reported " + line));
        TargetRow clientRow = new TargetRow("client: " + client.command(), report.seconds(), report.requests(), Double.NaN, 0,
                report.figures(), null);
        TargetRow agentRow = TargetRow.of("agent: " + agentUri.getAuthority(), new Window(List.of(before, after)));
        main.out.print(format.render(RankedTable.build(chosen, extra, List.of(clientRow, agentRow))));
        if (format == Format.MARKDOWN) {
            main.out.printf(Locale.ROOT, "%n%s: %.0f requests in %.2f s (%.0f errors); agent: %.0f requests counted between its"
                            + " scrapes %.2f s apart, which also hold the client's start and exit%n",
                    client.command(), report.requests(), report.seconds(), report.errors(), agentRow.requests(), agentRow.windowSeconds());
        }
        main.out.flush();
        return 0;
    }

    /**
     * Connects to the URL's port and sends nothing: an HTTP request would be counted among the run's,
     * and a pooled keep-alive connection would stay open on the service after the run.
     */
    private void checkReachable() {
        int port = url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(url.getHost(), port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (ConnectException e) {
            throw new IllegalArgumentException("--url " + url + ": connection refused; is the service running and listening there?");
        } catch (IOException e) {
            throw new IllegalArgumentException("--url " + url + ": cannot connect (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()) + "); is the service running and listening there?");
        }
    }

    private static Snapshot scrape(MetricsFetcher fetcher, URI agentUri) {
        try {
            return fetcher.scrape(agentUri);
        } catch (ScrapeException e) {
            throw new IllegalArgumentException("--agent " + e.getMessage());
        }
    }

    /** Runs the client, printing progress from the agent's count every second; returns the client's output. */
    private String run(List<String> command, MetricsFetcher fetcher, URI agentUri, Snapshot before)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("tailwatch-bench", ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        // Ctrl-C stops the client too, rather than leaving it loading the service.
        Thread stopClient = new Thread(process::destroyForcibly, "stop-load-client");
        Runtime.getRuntime().addShutdownHook(stopClient);
        try {
            long started = System.nanoTime();
            Snapshot previous = before;
            while (!process.waitFor(1, TimeUnit.SECONDS)) {
                String progress = String.format(Locale.ROOT, "bench: %d of %d s", (System.nanoTime() - started) / 1_000_000_000L,
                        duration.toSeconds());
                try {
                    Snapshot now = fetcher.scrape(agentUri);
                    Window last = new Window(List.of(previous, now));
                    progress += String.format(Locale.ROOT, ", agent: %.0f requests, %.0f req/s",
                            now.sum("http_server_request_duration_seconds_count") - before.sum("http_server_request_duration_seconds_count"),
                            TargetRow.of("", last).figures().get(io.tailwatch.collector.table.Column.QPS));
                    previous = now;
                } catch (ScrapeException e) {
                    progress += ", agent: " + e.getMessage();
                }
                main.err.println(progress);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalArgumentException(command.get(0) + " exited with " + process.exitValue() + ": "
                        + output.strip().lines().reduce((a, b) -> b).orElse("(no output)"));
            }
            return output;
        } finally {
            process.destroyForcibly();
            Runtime.getRuntime().removeShutdownHook(stopClient);
            Files.deleteIfExists(log);
        }
    }
}
