package io.tailwatch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * What the agent adds to a service's start: the time from the JVM's launch to the service's first
 * {@code 200}, without and with the agent, nothing else. Each round starts every server once per
 * mode, the order of the modes rotating from round to round, so that all modes see the same
 * contention; the table holds medians. A mode is {@code none}, or an agent jar with arguments
 * appended to {@code host=127.0.0.1,port=0}: {@code tailwatch} is the one built here, other names
 * are given with {@code --jars}, such as {@code --jars=old=/tmp/old.jar --modes=none,old,tailwatch,tailwatch:jfr=off}.
 *
 * <p>The probe is a raw socket, polled every millisecond once the service printed its port:
 * a client of its own (HttpClient) would put its own first-use cost into the first runs. Every
 * run with the agent also checks that the agent printed exactly its one start line and that
 * nothing else came on standard error. Run by {@code scripts/bench-startup}; not a test.
 */
public final class StartupTime {
    private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
    private static final String AGENT_LINE = "tailwatch: ";
    private static final String AGENT_BASE_ARGS = "host=127.0.0.1,port=0";

    /**
     * One JVM start: milliseconds from launch; the agent's start line is NaN without the agent.
     * Marks: the JVM's uptime in milliseconds when each class of {@code --marks} had loaded, NaN if it did not.
     */
    record Run(double listeningMs, double firstOkMs, double agentLineMs, int otherStderrLines, Map<String, Double> marks) {
    }

    /** A line of output and when it arrived. */
    record Line(long nanos, String text) {
    }

    private final Path root;
    private final Map<String, Path> agentJars = new LinkedHashMap<>();
    private final Map<String, String> options;

    private StartupTime(Path root, Map<String, String> options) {
        this.root = root;
        this.options = options;
        agentJars.put("tailwatch", root.resolve("agent/target/tailwatch-agent.jar"));
        for (String named : options.get("jars").split(",")) {
            int eq = named.indexOf('=');
            if (eq > 0) {
                agentJars.put(named.substring(0, eq), Path.of(named.substring(eq + 1)).toAbsolutePath());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("rounds", "7");
        options.put("servers", "jdk-httpserver,netty42,jetty12-core,tomcat11");
        options.put("modes", "none,tailwatch");
        options.put("jars", "");
        options.put("path", "/hello");
        options.put("java", System.getProperty("java.home"));
        options.put("jvm-options", "");
        options.put("marks", "");
        options.put("out", "");
        options.put("root", ".");
        BenchOptions.parse("StartupTime", options, args);
        new StartupTime(Path.of(options.get("root")).toAbsolutePath().normalize(), options).run();
    }

    private void run() throws Exception {
        List<ServerOverhead.Server> servers = ServerOverhead.servers(root, options.get("servers"));
        List<String> modes = List.of(options.get("modes").split(","));
        int rounds = Integer.parseInt(options.get("rounds"));
        Map<String, Map<String, List<Run>>> runs = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (ServerOverhead.Server server : servers) {
                for (int i = 0; i < modes.size(); i++) {
                    String mode = modes.get((i + round) % modes.size());
                    Run run = start(server, mode);
                    runs.computeIfAbsent(server.name(), s -> new LinkedHashMap<>()).computeIfAbsent(mode, m -> new ArrayList<>()).add(run);
                    System.out.printf(Locale.ROOT, "round %d %-16s %-24s LISTENING %6.0f ms  first 200 %6.0f ms  agent line %6.0f ms  other stderr %d%s%n",
                            round + 1, server.name(), mode, run.listeningMs, run.firstOkMs, run.agentLineMs, run.otherStderrLines,
                            run.marks.isEmpty() ? "" : "  marks " + run.marks);
                }
            }
        }
        String table = table(runs, modes, rounds);
        System.out.println();
        System.out.println(table);
        if (!options.get("out").isEmpty()) {
            Files.writeString(Path.of(options.get("out")), table);
        }
    }

    private String table(Map<String, Map<String, List<Run>>> runs, List<String> modes, int rounds) throws IOException, InterruptedException {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Measured %s on %d cores (%s), %s, by `scripts/bench-startup --rounds=%d --servers=%s --modes=%s%s`: "
                        + "median of %d interleaved rounds; ms from the JVM's launch.%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), javaVersion(), rounds,
                options.get("servers"), options.get("modes"),
                options.get("jvm-options").isEmpty() ? "" : " --jvm-options='" + options.get("jvm-options") + "'", rounds));
        out.append("| server | mode | LISTENING printed | first 200 | added to first 200 | first 200 min–max | agent start line | other stderr lines |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, List<Run>>> server : runs.entrySet()) {
            List<Run> base = server.getValue().get("none");
            double base200 = base == null ? Double.NaN : median(base, Run::firstOkMs);
            for (String mode : modes) {
                List<Run> r = server.getValue().get(mode);
                double first = median(r, Run::firstOkMs);
                double agentLine = median(r, Run::agentLineMs);
                out.append(String.format(Locale.ROOT, "| %s | %s | %.0f ms | %.0f ms | %s | %.0f–%.0f ms | %s | %.0f |%n", server.getKey(), mode,
                        median(r, Run::listeningMs), first,
                        mode.equals("none") || base == null ? "" : String.format(Locale.ROOT, "%+.0f ms", first - base200),
                        r.stream().mapToDouble(Run::firstOkMs).min().orElse(Double.NaN),
                        r.stream().mapToDouble(Run::firstOkMs).max().orElse(Double.NaN),
                        Double.isNaN(agentLine) ? "" : String.format(Locale.ROOT, "%.0f ms", agentLine), median(r, Run::otherStderrLines)));
            }
        }
        if (!marks().isEmpty()) {
            out.append("\nJVM uptime when each class had loaded (`-Xlog:class+load`; a class transformed by the agent logs once transformed), medians:\n\n");
            out.append("| server | mode |");
            for (String mark : marks()) {
                out.append(' ').append(mark.substring(mark.lastIndexOf('.') + 1)).append(" |");
            }
            out.append("\n|---|---|").append("---|".repeat(marks().size())).append('\n');
            for (Map.Entry<String, Map<String, List<Run>>> server : runs.entrySet()) {
                for (String mode : modes) {
                    out.append("| ").append(server.getKey()).append(" | ").append(mode).append(" |");
                    for (String mark : marks()) {
                        double ms = median(server.getValue().get(mode), r -> r.marks.getOrDefault(mark, Double.NaN));
                        out.append(Double.isNaN(ms) ? " – |" : String.format(Locale.ROOT, " %.0f ms |", ms));
                    }
                    out.append('\n');
                }
            }
        }
        out.append("\nEvery JVM: ").append(String.join(" ", jvmOptions())).append("; with an agent: -javaagent:JAR=")
                .append(AGENT_BASE_ARGS).append("[,the mode's arguments]; ").append(agentJars).append('\n');
        return out.toString();
    }

    private String javaVersion() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java(), "-version").redirectErrorStream(true).start();
        String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
        p.waitFor();
        return first.replace("\"", "");
    }

    private String java() {
        return Path.of(options.get("java"), "bin", "java").toString();
    }

    private List<String> marks() {
        List<String> marks = new ArrayList<>();
        for (String mark : options.get("marks").split(",")) {
            if (!mark.isBlank()) {
                marks.add(mark.trim());
            }
        }
        return marks;
    }

    private List<String> jvmOptions() {
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
        for (String option : options.get("jvm-options").split(" ")) {
            if (!option.isBlank()) {
                jvm.add(option);
            }
        }
        return jvm;
    }

    private Run start(ServerOverhead.Server server, String mode) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions());
        Path classLog = null;
        if (!marks().isEmpty()) {
            classLog = Files.createTempFile("startup-classes", ".log");
            command.add("-Xlog:class+load:file=" + classLog + ":uptime");
        }
        boolean agent = !mode.equals("none");
        if (agent) {
            int colon = mode.indexOf(':');
            Path jar = agentJars.get(colon < 0 ? mode : mode.substring(0, colon));
            if (jar == null) {
                throw new IllegalArgumentException("no agent jar named in mode " + mode + "; known: " + agentJars.keySet());
            }
            command.add("-javaagent:" + jar + "=" + AGENT_BASE_ARGS + (colon < 0 ? "" : "," + mode.substring(colon + 1)));
        }
        command.addAll(List.of("-cp", server.classPath(), server.mainClass(), "0", "8"));
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).start();
        List<Line> stdout = pump(process.getInputStream());
        List<Line> stderr = pump(process.getErrorStream());
        try {
            Line listening = await(stdout, LISTENING, process, stderr, 60);
            Matcher port = LISTENING.matcher(listening.text);
            port.find();
            long ok = firstOk(Integer.parseInt(port.group(1)), started);
            double agentLine = Double.NaN;
            if (agent) {
                Line line = await(stderr, Pattern.compile(Pattern.quote(AGENT_LINE)), process, stderr, 30);
                agentLine = (line.nanos - started) / 1e6;
            }
            // Whatever else the agent or the JVM has to say comes within moments of that.
            Thread.sleep(200);
            List<Line> agentLines = stderr.stream().filter(l -> l.text.startsWith(AGENT_LINE)).toList();
            if (agent && (agentLines.size() != 1 || !agentLines.get(0).text.contains(" active on Java "))) {
                throw new IllegalStateException(server.name() + " with " + mode + ": expected the agent's start line alone, got "
                        + stderr);
            }
            Map<String, Double> marks = new LinkedHashMap<>();
            if (classLog != null) {
                // The log is written as classes load: what has loaded by now is in it.
                List<String> loaded = Files.readAllLines(classLog);
                for (String mark : marks()) {
                    marks.put(mark, uptimeMs(loaded, mark));
                }
            }
            return new Run((listening.nanos - started) / 1e6, (ok - started) / 1e6, agentLine, stderr.size() - agentLines.size(), marks);
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            if (classLog != null) {
                Files.deleteIfExists(classLog);
            }
        }
    }

    /** From lines such as {@code [0.123s] a.b.C source: ...}, when the class first loaded. */
    private static double uptimeMs(List<String> classLoadLog, String className) {
        String needle = "] " + className + " ";
        for (String line : classLoadLog) {
            int at = line.indexOf(needle);
            if (at > 0 && line.startsWith("[") && line.charAt(at - 1) == 's') {
                return Double.parseDouble(line.substring(1, at - 1)) * 1000;
            }
        }
        return Double.NaN;
    }

    /** When the first {@code 200} arrived, in {@link System#nanoTime()}. */
    private long firstOk(int port, long startedNanos) throws InterruptedException {
        byte[] request = ("GET " + options.get("path") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long deadline = startedNanos + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                if (status != null && status.startsWith("HTTP/1.1 200")) {
                    return System.nanoTime();
                }
            } catch (IOException notYet) {
                // Not answering yet.
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no 200 from port " + port + " within 60 s");
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        return ServerOverhead.median(runs.stream().mapToDouble(f).sorted().toArray());
    }

    private static List<Line> pump(InputStream stream) {
        List<Line> lines = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(new Line(System.nanoTime(), line));
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        });
        t.setDaemon(true);
        t.start();
        return lines;
    }

    private static Line await(List<Line> lines, Pattern pattern, Process process, List<Line> stderr, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && process.isAlive()) {
            for (Line line : lines) {
                if (pattern.matcher(line.text).find()) {
                    return line;
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("the service printed no " + pattern + "; output: " + lines + " stderr: " + stderr);
    }
}
