package io.tailwatch.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test service started in its own JVM with the built agent jar, exactly as a user would start it.
 * Collects its standard output and error for assertions.
 *
 * <p>Set by the build (failsafe's system properties): {@code tailwatch.agent.jar}, the service's
 * class path {@code tailwatch.test.service.classpath}, and the JDK homes {@code tailwatch.test.jdk17}
 * and {@code tailwatch.test.jdk25}.
 */
public final class ForkedService implements AutoCloseable {
    private static final Pattern METRICS = Pattern.compile("metrics at https?://[^:]+:(\\d+)/metrics");
    private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
    private static final Pattern JVM_DYNAMIC_AGENT_WARNING = Pattern.compile(
            "WARNING: (A Java agent has been loaded dynamically|If a serviceability tool is"
                    + "|Dynamic loading of agents will be disallowed by default).*");

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private ForkedService(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
    }

    public static Path agentJar() {
        return existing("tailwatch.agent.jar");
    }

    /** The class path of the services under test: their own classes and libraries, as an application ships them. */
    public static String serviceClassPath() {
        String value = System.getProperty("tailwatch.test.service.classpath");
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property tailwatch.test.service.classpath is not set"
                    + " (run through mvn verify, which sets it)");
        }
        return value;
    }

    /** The JDK home named by a system property; a missing JDK fails the test, it does not skip it. */
    public static Path jdk(String property) {
        Path home = existing(property);
        if (!Files.isExecutable(home.resolve("bin/java"))) {
            throw new IllegalStateException(property + "=" + home + " has no bin/java");
        }
        return home;
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.exists(Path.of(value))) {
            throw new IllegalStateException("system property " + property + " must name an existing path, is " + value
                    + " (run through mvn verify, which builds and sets it)");
        }
        return Path.of(value);
    }

    /**
     * @param jvmOptions  options before {@code -javaagent}, such as {@code -Dtailwatch.port=...}
     * @param agentArgs   the agent argument string, or null for none
     */
    public static ForkedService start(Path jdk, List<String> jvmOptions, String agentArgs, List<String> environment,
                                      String mainClass, String... args) throws IOException {
        return start(jdk, jvmOptions, true, agentArgs, List.of(), environment, mainClass, args);
    }

    /**
     * As {@link #start(Path, List, String, List, String, String...)}, with {@code afterAgent}
     * options after the agent's {@code -javaagent}: a second agent there starts after it.
     */
    public static ForkedService start(Path jdk, List<String> jvmOptions, String agentArgs, List<String> afterAgent,
                                      List<String> environment, String mainClass, String... args) throws IOException {
        return start(jdk, jvmOptions, true, agentArgs, afterAgent, environment, mainClass, args);
    }

    /** A service started without the agent, for tests that attach it later. */
    public static ForkedService withoutAgent(Path jdk, List<String> jvmOptions, String mainClass, String... args) throws IOException {
        return start(jdk, jvmOptions, false, null, List.of(), List.of(), mainClass, args);
    }

    private static ForkedService start(Path jdk, List<String> jvmOptions, boolean withAgent, String agentArgs,
                                       List<String> afterAgent, List<String> environment, String mainClass, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(jdk.resolve("bin/java").toString());
        command.add("-Xmx256m");
        command.add("--add-opens");
        command.add("java.base/java.lang=ALL-UNNAMED");
        command.addAll(jvmOptions);
        if (withAgent) {
            command.add("-javaagent:" + agentJar() + (agentArgs == null ? "" : "=" + agentArgs));
        }
        command.addAll(afterAgent);
        command.add("-cp");
        command.add(serviceClassPath());
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(new File(System.getProperty("java.io.tmpdir")));
        builder.environment().keySet().removeIf(k -> k.startsWith("TAILWATCH_"));
        for (String assignment : environment) {
            int eq = assignment.indexOf('=');
            builder.environment().put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        return new ForkedService(builder.start());
    }

    /**
     * A service on a free port whose main class takes the conventional arguments of the test
     * services: the port (0 for any) and the size of its worker pool.
     */
    public static ForkedService service(Path jdk, String mainClass, int workers, String agentArgs) throws IOException {
        return start(jdk, List.of(), agentArgs, List.of(), mainClass, "0", Integer.toString(workers));
    }

    private static void pump(java.io.InputStream stream, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        }, "forked-output");
        t.setDaemon(true);
        t.start();
    }

    public int servicePort() {
        return Integer.parseInt(await(stdout, LISTENING, "the service's LISTENING line"));
    }

    public int metricsPort() {
        return Integer.parseInt(await(stderr, METRICS, "the agent's start line"));
    }

    private String await(List<String> lines, Pattern pattern, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
            if (!process.isAlive()) {
                break;
            }
            sleep(20);
        }
        throw new AssertionError("no " + what + " from the forked service; stdout=" + stdout + " stderr=" + stderr);
    }

    /** Waits until standard output has a line containing {@code text}. */
    public String awaitStdout(String text) {
        return await(stdout, Pattern.compile("(.*" + Pattern.quote(text) + ".*)"), "line with '" + text + "'");
    }

    public List<String> stdout() {
        return List.copyOf(stdout);
    }

    public List<String> stderr() {
        return List.copyOf(stderr);
    }

    /** The lines the agent printed (its own prefix), in order. */
    public List<String> agentLines() {
        List<String> lines = new ArrayList<>();
        for (String line : stderr) {
            if (line.startsWith("tailwatch:")) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** What {@code java -jar tailwatch-agent.jar attach} printed (standard output and error) and its exit status. */
    public static final class Attach {
        public final int exit;
        public final String output;

        Attach(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    /** Runs {@code java -jar tailwatch-agent.jar attach <pid> [agentArgs]} with {@code jdk}'s java. */
    public static Attach attach(Path jdk, long pid, String agentArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(jdk.resolve("bin/java").toString(), "-jar", agentJar().toString(),
                "attach", Long.toString(pid)));
        if (!agentArgs.isEmpty()) {
            command.add(agentArgs);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("attach did not end within 60 s: " + output);
        }
        return new Attach(process.exitValue(), output);
    }

    /**
     * Standard error lines that are neither the agent's nor the warning JDK 21 and later print when
     * an agent is loaded at run time.
     */
    public List<String> stderrBesidesAgentAndAttachWarning() {
        List<String> unexpected = new ArrayList<>();
        for (String line : stderr()) {
            if (!line.startsWith("tailwatch: ") && !JVM_DYNAMIC_AGENT_WARNING.matcher(line).matches()) {
                unexpected.add(line);
            }
        }
        return unexpected;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
