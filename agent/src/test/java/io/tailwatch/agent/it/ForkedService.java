package io.tailwatch.agent.it;

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
 * A service from the test-services jar, started in its own JVM with the built agent jar, exactly as
 * a user would start it. Collects its standard output and error for assertions.
 */
final class ForkedService implements AutoCloseable {
    private static final Pattern METRICS = Pattern.compile("metrics at http://[^:]+:(\\d+)/metrics");
    private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private ForkedService(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
    }

    static Path agentJar() {
        return existing("tailwatch.agent.jar");
    }

    static Path servicesJar() {
        return existing("tailwatch.test.services.jar");
    }

    /** The JDK home named by a system property; a missing JDK fails the test, it does not skip it. */
    static Path jdk(String property) {
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
    static ForkedService start(Path jdk, List<String> jvmOptions, String agentArgs, List<String> environment,
                               String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(jdk.resolve("bin/java").toString());
        command.add("-Xmx256m");
        command.add("--add-opens");
        command.add("java.base/java.lang=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-javaagent:" + agentJar() + (agentArgs == null ? "" : "=" + agentArgs));
        command.add("-cp");
        // The services' jar and their own libraries, as an application is shipped.
        command.add(servicesJar() + File.pathSeparator + servicesJar().resolveSibling("lib") + File.separator + "*");
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

    /** The JDK HTTP test service on a free port. */
    static ForkedService jdkHttpService(Path jdk, int workers, String agentArgs) throws IOException {
        return start(jdk, List.of(), agentArgs, List.of(), "io.tailwatch.testservices.JdkHttpService",
                "0", Integer.toString(workers));
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

    int servicePort() {
        return Integer.parseInt(await(stdout, LISTENING, "the service's LISTENING line"));
    }

    int metricsPort() {
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
    String awaitStdout(String text) {
        return await(stdout, Pattern.compile("(.*" + Pattern.quote(text) + ".*)"), "line with '" + text + "'");
    }

    List<String> stdout() {
        return List.copyOf(stdout);
    }

    List<String> stderr() {
        return List.copyOf(stderr);
    }

    /** The lines the agent printed (its own prefix), in order. */
    List<String> agentLines() {
        List<String> lines = new ArrayList<>();
        for (String line : stderr) {
            if (line.startsWith("tailwatch:")) {
                lines.add(line);
            }
        }
        return lines;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    static void sleep(long millis) {
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
