package io.tailwatch.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What watching the JVM costs: the JDK HTTP test service with the agent, with the hiccup meter and
 * the JFR stream off, each alone (the meter also at 1 ms, jHiccup's resolution), and both (the
 * default), idle and under {@code wrk}. The CPU time of
 * the meter's thread and of the JFR threads (JFR's recorder and periodic-task threads and the
 * agent's thread that parses the stream) is read from {@code /proc/<pid>/task/<tid>/stat} (10 ms
 * ticks), with the whole process's. Modes are interleaved round by round; the table gives medians.
 * Run by {@code scripts/bench-jvm-watch}; not a test (no thresholds).
 */
public final class JvmWatchCost {
    /** What the agent watches of the JVM, and the agent arguments that make it so. */
    enum Mode {
        NONE("neither", "jfr=off,hiccup.interval=off,slow.request=off"),
        HICCUP("hiccup meter", "jfr=off,slow.request=off"),
        HICCUP_1MS("hiccup meter at 1ms", "jfr=off,slow.request=off,hiccup.interval=1ms"),
        JFR("JFR stream", "hiccup.interval=off"),
        BOTH("both (default)", "");

        final String title;
        final String agentArgs;

        Mode(String title, String agentArgs) {
            this.title = title;
            this.agentArgs = agentArgs;
        }
    }

    /** CPU seconds over an interval: the meter's thread, the JFR threads, the process; and the load's requests per second. */
    record Cost(double seconds, double hiccupCpu, double jfrCpu, double processCpu, double rps) {
        double percent(double cpu) {
            return 100 * cpu / seconds;
        }
    }

    private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final double TICK = 0.01;

    private final Path root;
    private final Map<String, String> options;

    private JvmWatchCost(Path root, Map<String, String> options) {
        this.root = root;
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("rounds", "2");
        options.put("idle", "30");
        options.put("load", "20");
        options.put("warmup", "5");
        options.put("connections", "16");
        options.put("threads", "2");
        options.put("workers", "8");
        options.put("path", "/hello");
        options.put("root", ".");
        BenchOptions.parse("JvmWatchCost", options, args);
        new JvmWatchCost(Path.of(options.get("root")).toAbsolutePath().normalize(), options).run(args);
    }

    private int option(String name) {
        return Integer.parseInt(options.get(name));
    }

    private void run(String[] args) throws Exception {
        Map<Mode, List<Cost>> idle = new LinkedHashMap<>();
        Map<Mode, List<Cost>> loaded = new LinkedHashMap<>();
        Mode[] modes = Mode.values();
        for (int round = 0; round < option("rounds"); round++) {
            for (int i = 0; i < modes.length; i++) {
                Mode mode = modes[(i + round) % modes.length];
                Cost[] costs = measure(mode);
                idle.computeIfAbsent(mode, m -> new ArrayList<>()).add(costs[0]);
                loaded.computeIfAbsent(mode, m -> new ArrayList<>()).add(costs[1]);
                System.out.printf(Locale.ROOT, "round %d %-15s idle: meter %.2f%% jfr %.2f%% process %.2f%% of a core;"
                                + " loaded: meter %.2f%% jfr %.2f%% process %.0f%%, %.0f req/s%n", round + 1, mode.title,
                        costs[0].percent(costs[0].hiccupCpu), costs[0].percent(costs[0].jfrCpu), costs[0].percent(costs[0].processCpu),
                        costs[1].percent(costs[1].hiccupCpu), costs[1].percent(costs[1].jfrCpu), costs[1].percent(costs[1].processCpu),
                        costs[1].rps);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Measured %s on %d cores, JDK %s, by `scripts/bench-jvm-watch%s`: JdkHttpService (%d workers)"
                        + " with the agent; idle %d s; loaded: wrk -t%d -c%d %s for %d s after %d s of warm-up; CPU in %% of one core,"
                        + " median of %d interleaved rounds.%n%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.runtime.version"), shown(args), option("workers"),
                option("idle"), option("threads"), option("connections"), options.get("path"), option("load"), option("warmup"),
                option("rounds")));
        out.append("| watching | idle: meter thread | idle: JFR threads | idle: process | loaded: meter thread | loaded: JFR threads | loaded: process | loaded: req/s |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Mode mode : modes) {
            List<Cost> i = idle.get(mode);
            List<Cost> l = loaded.get(mode);
            out.append(String.format(Locale.ROOT, "| %s | %.2f %% | %.2f %% | %.2f %% | %.2f %% | %.2f %% | %.0f %% | %.0f |%n", mode.title,
                    median(i, c -> c.percent(c.hiccupCpu)), median(i, c -> c.percent(c.jfrCpu)), median(i, c -> c.percent(c.processCpu)),
                    median(l, c -> c.percent(c.hiccupCpu)), median(l, c -> c.percent(c.jfrCpu)), median(l, c -> c.percent(c.processCpu)),
                    median(l, Cost::rps)));
        }
        System.out.println();
        System.out.println(out);
    }

    /** The arguments a reader would pass to the script (it adds --root itself). */
    private static String shown(String[] args) {
        StringBuilder out = new StringBuilder();
        for (String arg : args) {
            if (!arg.startsWith("--root=")) {
                out.append(' ').append(arg);
            }
        }
        return out.toString();
    }

    /** One service in one mode: its idle and its loaded cost. */
    private Cost[] measure(Mode mode) throws Exception {
        Path jar = root.resolve("test-services/target/tailwatch-test-services.jar");
        String classPath = jar + File.pathSeparator + jar.resolveSibling("lib") + File.separator + "*";
        String agent = "-javaagent:" + root.resolve("agent/target/tailwatch-agent.jar") + "=host=127.0.0.1,port=0"
                + (mode.agentArgs.isEmpty() ? "" : "," + mode.agentArgs);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", agent,
                "-cp", classPath, "io.tailwatch.testservices.JdkHttpService", "0", options.get("workers"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        pump(process.getInputStream(), output);
        try {
            int port = awaitPort(process, output);
            sleep(option("warmup") * 1000L);
            Map<Long, long[]> before = threads(process.pid());
            long start = System.nanoTime();
            sleep(option("idle") * 1000L);
            Cost idle = cost(process.pid(), before, start, 0);
            wrk(port, option("warmup"));
            before = threads(process.pid());
            start = System.nanoTime();
            double rps = wrk(port, option("load"));
            Cost loaded = cost(process.pid(), before, start, rps);
            return new Cost[]{idle, loaded};
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private Cost cost(long pid, Map<Long, long[]> before, long startNanos, double rps) throws IOException {
        Map<Long, long[]> after = threads(pid);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long hiccup = 0;
        long jfr = 0;
        long process = 0;
        for (Map.Entry<Long, long[]> e : after.entrySet()) {
            long[] then = before.getOrDefault(e.getKey(), new long[]{e.getValue()[0], 0});
            long ticks = e.getValue()[1] - then[1];
            process += ticks;
            String name = names.getOrDefault(e.getKey(), "");
            if (name.startsWith("tailwatch-hiccu")) {
                hiccup += ticks;
            } else if (name.startsWith("JFR ") || name.startsWith("tailwatch-jvm-e")) {
                jfr += ticks;
            }
        }
        return new Cost(seconds, hiccup * TICK, jfr * TICK, process * TICK, rps);
    }

    private final Map<Long, String> names = new HashMap<>();

    /** Every thread of the process: its id, and {id, utime + stime in ticks}; remembers their names. */
    private Map<Long, long[]> threads(long pid) throws IOException {
        Map<Long, long[]> ticks = new HashMap<>();
        File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        if (tasks == null) {
            throw new IOException("no /proc/" + pid + "/task: this measures Linux only");
        }
        for (File task : tasks) {
            try {
                long tid = Long.parseLong(task.getName());
                String stat = Files.readString(task.toPath().resolve("stat"));
                // Fields after the parenthesised name: state is field 3, utime 14 and stime 15.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.put(tid, new long[]{tid, Long.parseLong(fields[11]) + Long.parseLong(fields[12])});
                names.put(tid, Files.readString(task.toPath().resolve("comm")).trim());
            } catch (IOException | RuntimeException e) {
                // The thread ended meanwhile.
            }
        }
        return ticks;
    }

    private double wrk(int port, int seconds) throws IOException, InterruptedException {
        Process wrk = new ProcessBuilder("wrk", "-t" + option("threads"), "-c" + option("connections"), "-d" + seconds + "s",
                "http://127.0.0.1:" + port + options.get("path")).redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IOException("wrk failed: " + out);
        }
        Matcher m = RPS.matcher(out);
        if (!m.find()) {
            throw new IOException("no Requests/sec from wrk: " + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static int awaitPort(Process process, List<String> output) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && process.isAlive()) {
            for (String line : output) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            sleep(20);
        }
        throw new IllegalStateException("the service did not start: " + output);
    }

    private static void pump(InputStream in, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private interface Value {
        double of(Cost c);
    }

    private static double median(List<Cost> costs, Value value) {
        double[] values = costs.stream().mapToDouble(value::of).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
