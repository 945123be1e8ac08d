package io.tailwatch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What the agent costs a server's throughput, told apart from the spread between JVM starts: for
 * each server, {@code --starts} JVMs without and as many with the agent are all started and warmed
 * up, then measured in turn with short {@code wrk} runs, round after round, while every JVM not being
 * measured is stopped ({@code SIGSTOP}), so that its threads, the agent's among them, take no CPU.
 *
 * <p>Why: {@link ServerOverhead} starts one JVM per mode and round, and there one start's ratio
 * moved from 0.71 to 1.01 between rounds: which methods C2 inlines, and so a start's whole
 * throughput, differs from start to start. Here every start is measured many times, interleaved
 * with the others, so that the machine's drift falls on all of them alike; a start's figure is the
 * median of its runs, and a mode's the median of its starts. The spread of the starts without the
 * agent is what one start can tell; a loss is shown only where the starts with the agent fall
 * below it.
 *
 * <p>The server runs on core 1, and wrk and this JVM on core 0 ({@code taskset}): two cores at least.
 * Keep-alive only. Run by {@code scripts/bench-servers-alternating}; not a test (no thresholds).
 */
public final class AlternatingOverhead {
    /** One JVM of a server, with or without the agent. */
    private static final class Start {
        final boolean agent;
        final int index;
        final Process process;
        /** Set once the service has said its port. */
        String url;
        final List<Double> rps = new ArrayList<>();
        final List<Double> p99Ms = new ArrayList<>();
        final List<Double> cpuMicros = new ArrayList<>();
        JitWarmup.Result warmup;

        Start(boolean agent, int index, Process process) {
            this.agent = agent;
            this.index = index;
            this.process = process;
        }

        String name() {
            return (agent ? "tailwatch" : "no agent") + " #" + (index + 1);
        }
    }

    private final Path root;
    private final Path agentJar;
    private final Map<String, String> options;
    private final List<Start> alive = new ArrayList<>();

    private AlternatingOverhead(Path root, Map<String, String> options) {
        this.root = root;
        this.agentJar = root.resolve("agent/target/tailwatch-agent.jar");
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("servers", "all");
        options.put("starts", "3");
        options.put("rounds", "6");
        options.put("duration", "4");
        options.put("warmup", "auto");
        options.put("warmup-max", "120");
        options.put("settle-ms", "500");
        options.put("connections", "50");
        options.put("threads", "2");
        options.put("workers", "8");
        options.put("path", "/hello");
        options.put("out", "");
        options.put("root", ".");
        BenchOptions.parse("AlternatingOverhead", options, args);
        new AlternatingOverhead(Path.of(options.get("root")).toAbsolutePath().normalize(), options).run();
    }

    private int option(String name) {
        return Integer.parseInt(options.get(name));
    }

    private void run() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores < 2) {
            throw new IllegalStateException("the server needs a core of its own: this machine has " + cores);
        }
        ServerOverhead.pinThisJvmToCore0();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll));
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "Measured %s on %d cores (%s), JDK %s, by `scripts/bench-servers-alternating%s`:"
                        + " per server, %d JVMs without and %d with the agent, each warmed up %s, then measured in %d interleaved rounds of one wrk -t%d -c%d"
                        + " -d%ds run each (keep-alive, %s), the others stopped (SIGSTOP) meanwhile; server on core 1, wrk on core 0; worker pool %d."
                        + " A start's figure is the median of its runs; a mode's, the median of its starts.%n%n",
                LocalDate.now(), cores, System.getProperty("os.arch"), System.getProperty("java.runtime.version"), shownArguments(),
                option("starts"), option("starts"), autoWarmup()
                        ? String.format(Locale.ROOT, "under the same load until its JIT compilers used under %.0f %% of a core in %d chunks of %d s in a row (at most %d s)",
                                JitWarmup.QUIET_SHARE * 100, JitWarmup.QUIET_CHUNKS, JitWarmup.CHUNK_SECONDS, option("warmup-max"))
                        : "for " + option("warmup") + " s", option("rounds"), option("threads"), option("connections"), option("duration"),
                options.get("path"), option("workers")));
        table.append("| server | req/s, no agent | req/s, tailwatch | ×req/s | starts without, ÷ their median | starts with, ÷ median without | ×P99 | CPU µs/req, no agent | ×CPU/req |\n");
        table.append("|---|---|---|---|---|---|---|---|---|\n");
        for (ServerOverhead.Server server : ServerOverhead.servers(root, options.get("servers"))) {
            try {
                String row = measure(server);
                System.out.println(row);
                table.append(row).append('\n');
            } finally {
                stopAll();
            }
        }
        table.append("\nEvery JVM: -Xmx512m -Dsun.net.httpserver.nodelay=true. tailwatch: ").append(agentJar.getFileName())
                .append("=host=127.0.0.1,port=0\n");
        System.out.println();
        System.out.println(table);
        if (!options.get("out").isEmpty()) {
            Files.writeString(Path.of(options.get("out")), table);
        }
    }

    /** The server's row: every start launched and warmed up, then the rounds. */
    private String measure(ServerOverhead.Server server) throws Exception {
        List<Start> starts = new ArrayList<>();
        for (int i = 0; i < option("starts"); i++) {
            // Launched and warmed alternately, so that neither mode has all the early or all the late starts.
            for (boolean agent : new boolean[]{i % 2 == 1, i % 2 == 0}) {
                Start start = launch(server, agent, i);
                start.warmup = autoWarmup()
                        ? JitWarmup.untilQuiet(start.process.pid(), seconds -> wrk(start, seconds), option("warmup-max"))
                        : warmFor(start);
                signal(start, "STOP");
                System.out.printf(Locale.ROOT, "%-16s %-12s warmed up in %d s%s%n", server.name(), start.name(), start.warmup.seconds(),
                        start.warmup.limited() ? " (limit)" : "");
                starts.add(start);
            }
        }
        for (int round = 0; round < option("rounds"); round++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s round %d:", server.name(), round + 1));
            for (int k = 0; k < starts.size(); k++) {
                // The order rotates, and turns round every other round: each start takes every place in turn.
                int shifted = (k + round) % starts.size();
                Start start = starts.get(round % 2 == 0 ? shifted : starts.size() - 1 - shifted);
                signal(start, "CONT");
                Thread.sleep(option("settle-ms"));
                long cpuBefore = ServerOverhead.cpuTicks(start.process.pid());
                String output = wrk(start, option("duration"));
                long cpuTicks = ServerOverhead.cpuTicks(start.process.pid()) - cpuBefore;
                signal(start, "STOP");
                double rps = ServerOverhead.requestsPerSecond(output);
                start.rps.add(rps);
                start.p99Ms.add(ServerOverhead.latencyMs(output, "\\s99%\\s+(\\S+)"));
                start.cpuMicros.add(cpuTicks * (1e6 / ServerOverhead.CLOCK_TICKS_PER_SECOND) / (rps * option("duration")));
                line.append(String.format(Locale.ROOT, "  %s %.0f", start.name(), rps));
            }
            System.out.println(line);
        }
        return row(server.name(), starts);
    }

    private String row(String server, List<Start> starts) {
        List<Start> without = starts.stream().filter(s -> !s.agent).toList();
        List<Start> with = starts.stream().filter(s -> s.agent).toList();
        double rps0 = medianOfStarts(without, s -> s.rps);
        double rps1 = medianOfStarts(with, s -> s.rps);
        double p990 = medianOfStarts(without, s -> s.p99Ms);
        double p991 = medianOfStarts(with, s -> s.p99Ms);
        double cpu0 = medianOfStarts(without, s -> s.cpuMicros);
        double cpu1 = medianOfStarts(with, s -> s.cpuMicros);
        return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.3f | %s | %s | %.3f | %.1f | %.3f |", server, rps0, rps1, rps1 / rps0,
                relative(without, rps0), relative(with, rps0), p991 / p990, cpu0, cpu1 / cpu0);
    }

    /** Each start's median throughput divided by {@code base}, lowest first. */
    private static String relative(List<Start> starts, double base) {
        return String.join(", ", starts.stream().mapToDouble(s -> median(s.rps) / base).sorted()
                .mapToObj(r -> String.format(Locale.ROOT, "%.3f", r)).toList());
    }

    private static double medianOfStarts(List<Start> starts, Function<Start, List<Double>> figures) {
        List<Double> medians = new ArrayList<>();
        for (Start s : starts) {
            medians.add(median(figures.apply(s)));
        }
        return median(medians);
    }

    private static double median(List<Double> values) {
        return ServerOverhead.median(values.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    private Start launch(ServerOverhead.Server server, boolean agent, int index) throws Exception {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", "1",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-Dsun.net.httpserver.nodelay=true"));
        if (agent) {
            command.add("-javaagent:" + agentJar + "=host=127.0.0.1,port=0");
        }
        command.addAll(List.of("-cp", server.classPath(), server.mainClass(), "0", Integer.toString(option("workers"))));
        Process process = new ProcessBuilder(command).start();
        List<String> stdout = ServerOverhead.pump(process.getInputStream());
        List<String> stderr = ServerOverhead.pump(process.getErrorStream());
        Start start = new Start(agent, index, process);
        synchronized (alive) {
            alive.add(start);
        }
        int port = Integer.parseInt(ServerOverhead.await(stdout, ServerOverhead.LISTENING, process, stderr));
        if (agent) {
            ServerOverhead.await(stderr, ServerOverhead.METRICS, process, stderr);
        }
        start.url = "http://127.0.0.1:" + port + options.get("path");
        return start;
    }

    private JitWarmup.Result warmFor(Start start) throws IOException, InterruptedException {
        wrk(start, option("warmup"));
        return new JitWarmup.Result(option("warmup"), false);
    }

    private String wrk(Start start, int seconds) throws IOException, InterruptedException {
        return ServerOverhead.wrk(true, option("threads"), option("connections"), start.url, seconds, false);
    }

    private boolean autoWarmup() {
        return options.get("warmup").equals("auto");
    }

    /** SIGSTOP or SIGCONT, which Java cannot send itself. */
    private static void signal(Start start, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(start.process.pid())).redirectErrorStream(true).start();
        String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " failed: " + said);
        }
    }

    /** Every JVM started so far resumed (a stopped JVM ignores SIGTERM until then) and ended. */
    private void stopAll() {
        synchronized (alive) {
            for (Start start : alive) {
                try {
                    if (start.process.isAlive()) {
                        signal(start, "CONT");
                        start.process.destroy();
                        if (!start.process.waitFor(10, TimeUnit.SECONDS)) {
                            start.process.destroyForcibly().waitFor();
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    start.process.destroyForcibly();
                }
            }
            alive.clear();
        }
    }

    private String shownArguments() {
        StringBuilder shown = new StringBuilder();
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!e.getKey().equals("root") && !e.getKey().equals("out")) {
                shown.append(" --").append(e.getKey()).append('=').append(e.getValue());
            }
        }
        return shown.toString();
    }
}
