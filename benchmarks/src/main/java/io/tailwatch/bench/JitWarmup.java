package io.tailwatch.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Warms a server up under load until its JIT compilers have gone quiet, so that what is measured
 * next is compiled code. A fixed warm-up measured compilation instead on the frameworks that need
 * long: under {@code wrk} on one core, Spring MVC's C1 and C2 threads still used a fifth of the core
 * 20 to 25 s after start without the agent and 30 to 35 s after start with it, and its throughput
 * climbed meanwhile from some 5 000 to 48 000 requests per second.
 *
 * <p>The load runs in chunks of {@link #CHUNK_SECONDS}; after each, the CPU time of the process's
 * compiler threads ({@code /proc/PID/task/TID/comm} starting with {@code C1 CompilerThre} or
 * {@code C2 CompilerThre}) over the chunk is read. The warm-up ends once {@link #QUIET_CHUNKS}
 * chunks in a row had the compilers under {@link #QUIET_SHARE} of one core, or at the limit.
 * Linux only, as the rest of the benchmark.
 */
final class JitWarmup {
    static final int CHUNK_SECONDS = 5;
    static final double QUIET_SHARE = 0.01;
    static final int QUIET_CHUNKS = 2;

    /** Puts load on the server for some seconds. */
    interface Load {
        void run(int seconds) throws IOException, InterruptedException;
    }

    /** How a warm-up went: how long it lasted, and whether it stopped at the limit with the compilers still busy. */
    record Result(int seconds, boolean limited) {
    }

    private JitWarmup() {
    }

    /** Warms up the process {@code pid} with {@code load} until its compilers are quiet, for at most {@code maxSeconds}. */
    static Result untilQuiet(long pid, Load load, int maxSeconds) throws IOException, InterruptedException {
        Map<Long, Long> before = compilerTicks(pid);
        int seconds = 0;
        int quiet = 0;
        while (seconds < maxSeconds) {
            int chunk = Math.min(CHUNK_SECONDS, maxSeconds - seconds);
            load.run(chunk);
            seconds += chunk;
            Map<Long, Long> after = compilerTicks(pid);
            quiet = ticksBetween(before, after) <= QUIET_SHARE * chunk * ServerOverhead.CLOCK_TICKS_PER_SECOND ? quiet + 1 : 0;
            if (quiet == QUIET_CHUNKS) {
                return new Result(seconds, false);
            }
            before = after;
        }
        return new Result(seconds, true);
    }

    /**
     * The compiler CPU between two readings: a thread present in both counts its difference, a new
     * thread all of its time. A compiler thread that the JVM retired in between (it adds and removes
     * them as the queue grows and shrinks) takes its last chunk's time with it; a thread retires only
     * after idling, so that time is small.
     */
    static long ticksBetween(Map<Long, Long> before, Map<Long, Long> after) {
        long ticks = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            ticks += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return ticks;
    }

    /** User plus system clock ticks of each compiler thread of {@code pid}, by thread id. */
    static Map<Long, Long> compilerTicks(long pid) throws IOException {
        Map<Long, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        ticks.put(Long.parseLong(task.getFileName().toString()), ServerOverhead.cpuTicks(task.resolve("stat")));
                    }
                } catch (IOException threadEnded) {
                    // The thread exited between the listing and the read.
                }
            }
        }
        return ticks;
    }
}
