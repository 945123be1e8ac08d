package io.tailwatch.collector.bench;

import io.tailwatch.collector.baseline.Scenario;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The study's load generators and how each scenario runs them. */
public enum LoadClient {
    WRK("wrk", "wrk"),
    AB("ab", "apache2-utils");

    /**
     * ab's request cap per second of --duration: it stops at -n even before -t, and reserves memory for
     * -n requests' timings up front (Integer.MAX_VALUE fails to allocate), so a cap well above what one
     * ab process reaches (it is single-threaded) and no more.
     */
    static final long AB_REQUESTS_PER_SECOND = 200_000;

    private final String command;
    private final String debianPackage;

    LoadClient(String command, String debianPackage) {
        this.command = command;
        this.debianPackage = debianPackage;
    }

    public String command() {
        return command;
    }

    public static LoadClient of(Scenario scenario) {
        return scenario.id().endsWith("-wrk") ? WRK : AB;
    }

    static boolean keepAlive(Scenario scenario) {
        return scenario.id().startsWith("keepalive-");
    }

    /** The executable on {@code pathVariable}, or an error naming what to install. */
    public Path find(String pathVariable) {
        for (String dir : (pathVariable == null ? "" : pathVariable).split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(command + " is not installed (not on the PATH): install it, e.g. apt-get install "
                + debianPackage);
    }

    /**
     * The command line: wrk with its latency distribution (for P99), {@code Connection: close} as a
     * header for the short-connection scenario, as the study ran it; ab for a duration (its {@code -n}
     * after {@code -t}, or ab stops at 50,000 requests), with {@code -k} for keep-alive only.
     */
    public List<String> commandLine(Path executable, Scenario scenario, URI url, Duration duration, int connections, int threads) {
        long seconds = Math.max(1, (duration.toMillis() + 999) / 1000);
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        if (this == WRK) {
            command.addAll(List.of("-t", Integer.toString(Math.max(1, Math.min(threads, connections))), "-c",
                    Integer.toString(connections), "-d", seconds + "s", "--latency"));
            if (!keepAlive(scenario)) {
                command.addAll(List.of("-H", "Connection: close"));
            }
        } else {
            command.addAll(List.of("-q", "-t", Long.toString(seconds), "-n", Long.toString(seconds * AB_REQUESTS_PER_SECOND), "-c",
                    Integer.toString(connections)));
            if (keepAlive(scenario)) {
                command.add("-k");
            }
        }
        command.add(url.toString());
        return command;
    }
}
