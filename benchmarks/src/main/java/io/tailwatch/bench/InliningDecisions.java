package io.tailwatch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What C2 decided about inlining a test server's methods, without and with the agent: starts the
 * service once in each mode with {@code -XX:+PrintInlining}, puts {@code wrk} load on it, and prints
 * for every method whose name matches {@code --methods} each decision C2 printed at a call site of
 * it ("inline (hot)", "hot method too big", ...) and how often, with the method's size in bytes of
 * bytecode as the JVM saw it. Advice inlined into a method grows it, and C2 inlines a hot method only
 * up to {@code -XX:FreqInlineSize} (325 bytes); {@code InlineBudgetTest} checks the sizes, this shows
 * what the JIT made of them. The decisions depend on the profile and vary from start to start.
 * Run by {@code scripts/bench-inlining}; not a test.
 */
public final class InliningDecisions {
    /** A line of -XX:+PrintInlining: {@code @ 254   a.b.C::m (276 bytes)   inline (hot)}. */
    private static final Pattern DECISION = Pattern.compile("@ \\d+\\s+(\\S+::\\S+) \\((\\d+) bytes\\)\\s+(.*)$");

    private InliningDecisions() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("root", ".");
        options.put("server", "jetty12-core");
        options.put("methods", "HttpChannelState::(onRequest|completeStream)");
        options.put("seconds", "30");
        options.put("path", "/hello");
        BenchOptions.parse("InliningDecisions", options, args);
        Path root = Path.of(options.get("root")).toAbsolutePath().normalize();
        ServerOverhead.Server server = ServerOverhead.servers(root, options.get("server")).get(0);
        Pattern methods = Pattern.compile(options.get("methods"));
        int seconds = Integer.parseInt(options.get("seconds"));
        System.out.printf(Locale.ROOT, "%s under wrk -t2 -c50 -d%ds %s, -XX:+PrintInlining; call sites of methods matching %s%n",
                server.name(), seconds, options.get("path"), methods);
        for (boolean agent : new boolean[]{false, true}) {
            Map<String, Integer> decisions = run(root, server, agent, methods, seconds, options.get("path"));
            System.out.println(agent ? "tailwatch:" : "no agent:");
            if (decisions.isEmpty()) {
                System.out.println("  (no call site of a matching method was compiled)");
            }
            decisions.forEach((decision, count) -> System.out.printf(Locale.ROOT, "  %3d x %s%n", count, decision));
        }
    }

    private static Map<String, Integer> run(Path root, ServerOverhead.Server server, boolean agent, Pattern methods,
                                            int seconds, String path) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UnlockDiagnosticVMOptions", "-XX:+PrintInlining"));
        if (agent) {
            command.add("-javaagent:" + root.resolve("agent/target/tailwatch-agent.jar") + "=host=127.0.0.1,port=0");
        }
        command.addAll(List.of("-cp", server.classPath(), server.mainClass(), "0", "8"));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<String, Integer> decisions = new TreeMap<>();
        AtomicInteger port = new AtomicInteger();
        CountDownLatch listening = new CountDownLatch(1);
        // PrintInlining writes to standard output, hundreds of thousands of lines: only the matching ones are kept.
        Thread reader = new Thread(() -> read(process.getInputStream(), methods, decisions, port, listening));
        reader.start();
        try {
            if (!listening.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(server.name() + " did not start");
            }
            Process wrk = new ProcessBuilder("wrk", "-t2", "-c50", "-d" + seconds + "s", "http://127.0.0.1:" + port.get() + path)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (wrk.waitFor() != 0) {
                throw new IllegalStateException("wrk failed");
            }
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            reader.join(30_000);
        }
        synchronized (decisions) {
            return new TreeMap<>(decisions);
        }
    }

    private static void read(InputStream stream, Pattern methods, Map<String, Integer> decisions, AtomicInteger port,
                             CountDownLatch listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Matcher m = DECISION.matcher(line);
                if (m.find() && methods.matcher(m.group(1)).find()) {
                    synchronized (decisions) {
                        decisions.merge(m.group(1) + " (" + m.group(2) + " bytes): " + m.group(3).trim(), 1, Integer::sum);
                    }
                } else if (port.get() == 0) {
                    Matcher l = ServerOverhead.LISTENING.matcher(line);
                    if (l.find()) {
                        port.set(Integer.parseInt(l.group(1)));
                        listening.countDown();
                    }
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
    }
}
