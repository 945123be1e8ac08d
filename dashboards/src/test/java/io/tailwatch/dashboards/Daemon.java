package io.tailwatch.dashboards;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A long-running process the end-to-end test starts (the service with the agent, prometheus,
 * prometheus-alertmanager), its standard output and error in files of the test's directory. Every
 * daemon still alive when the test JVM exits is killed by a shutdown hook, so none outlives a
 * crashed or timed-out test run.
 */
final class Daemon implements AutoCloseable {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-daemons"));
    }

    final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final List<String> command;

    private Daemon(String name, Process process, Path stdout, Path stderr, List<String> command) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.command = command;
    }

    static Daemon start(String name, Path dir, List<String> command) throws IOException {
        Path out = dir.resolve(name + ".stdout.log");
        Path err = dir.resolve(name + ".stderr.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("TAILWATCH_"));
        Process process = builder.start();
        LIVE.add(process);
        return new Daemon(name, process, out, err, List.copyOf(command));
    }

    /** A TCP port free on the loopback interface now (nothing else of the test binds fixed ports). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Waits for a line of standard output ({@code fromStderr} false) or error matching {@code pattern}; returns its group 1. */
    String awaitLine(boolean fromStderr, Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = pattern.matcher(read(fromStderr ? stderr : stdout));
            if (m.find()) {
                return m.group(1);
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before printing "
                        + pattern + "\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " printed no " + pattern + " in " + timeout.toSeconds() + " s\n" + describe());
            }
            sleep(50);
        }
    }

    /** Waits until {@code url} answers 200 (the tools' /-/ready). */
    void awaitReady(String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " while starting\n" + describe());
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            sleep(100);
        }
        throw new AssertionError(name + " not ready at " + url + " in " + timeout.toSeconds() + " s (" + last + ")\n" + describe());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The command, where its output is, and the last lines of it: for failure messages. */
    String describe() {
        return name + ": " + String.join(" ", command) + "\n  " + stdout + ":\n" + tail(stdout) + "\n  " + stderr + ":\n" + tail(stderr);
    }

    private static String tail(Path file) {
        List<String> lines = read(file).lines().toList();
        List<String> last = new ArrayList<>(lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        return "    " + String.join("\n    ", last);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            if (!process.isAlive()) {
                LIVE.remove(process);
            }
        }
    }
}
