package io.tailwatch.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs promtool and amtool, the real command-line tools of Prometheus and Alertmanager. */
final class Tools {

    /** The dashboards module's directory (set by the pom; the working directory otherwise). */
    static final Path DIR = Path.of(System.getProperty("tailwatch.dashboards.dir", System.getProperty("user.dir")))
            .toAbsolutePath().normalize();
    static final Path PROMETHEUS = DIR.resolve("prometheus");
    static final Path ALERTMANAGER = DIR.resolve("alertmanager");

    private static final long TIMEOUT_SECONDS = 120;

    private Tools() {
    }

    record Result(List<String> command, int exitCode, String output) {
        /** The command, exit code and output, for failure messages. */
        String describe() {
            return String.join(" ", command) + " exited with " + exitCode + ", output:\n" + output;
        }

        /** Asserts what every check of a tool must show: exit code 0 and SUCCESS in its output. */
        Result assertSuccess() {
            assertEquals(0, exitCode, this::describe);
            assertTrue(output.contains("SUCCESS"), () -> "no SUCCESS in the output of " + describe());
            return this;
        }
    }

    /**
     * Runs {@code tool args...} in {@code workDir} with standard error merged into the output. A tool
     * that is not installed fails the test, it never skips it.
     */
    static Result run(Path workDir, String tool, String debianPackage, String... args) {
        Path executable = findOnPath(tool);
        if (executable == null) {
            fail(tool + " is not on the PATH (" + System.getenv("PATH") + "): run scripts/install-tools,"
                    + " which installs it from the Debian package " + debianPackage);
        }
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            // The outputs are small; reading to the end also waits for the process to close it.
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(command, process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("could not run " + command + " in " + workDir + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    static Result promtool(Path workDir, String... args) {
        return run(workDir, "promtool", "prometheus", args);
    }

    static Result amtool(Path workDir, String... args) {
        return run(workDir, "amtool", "prometheus-alertmanager", args);
    }

    static Path findOnPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
