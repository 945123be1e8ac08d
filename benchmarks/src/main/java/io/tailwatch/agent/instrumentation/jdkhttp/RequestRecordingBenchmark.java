package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.recording.Distribution;
import io.tailwatch.agent.recording.HttpServerRecorder;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.Stalls;
import io.tailwatch.agent.recording.ThreadAllocation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the agent adds to one keep-alive request of the JDK HTTP server, and its parts.
 *
 * <p>{@link #requestPath} makes the calls the {@code JdkHttpServerHooks} make for one request, in
 * their order and with their clock and allocation reads, on a {@link JdkHttpConnection} of this
 * thread; all threads record into one shared {@link Recording}, as all workers of a server do.
 * The other benchmarks take that path apart: the series lookup and recording of a finished request,
 * one histogram record, and the two reads every request pays for ({@code System.nanoTime()} and the
 * thread's allocated bytes).
 *
 * <p>With {@code -t 2} or more, threads record concurrently into the same distributions, which is
 * what a server with a worker pool does. (This benchmark found that HdrHistogram 2.2.2's packed
 * concurrent recorder can hang two such writers; the agent's recorders are no longer packed.)
 *
 * <p>This class lives in the agent's package because {@link JdkHttpConnection}'s methods are
 * package-private; on the class path the split package is harmless.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class RequestRecordingBenchmark {

    /** The agent's recording, shared by all benchmark threads like the workers of one server. */
    @State(Scope.Benchmark)
    public static class Shared {
        Recording recording;
        HttpServerRecorder http;
        Distribution distribution;
        /** A request duration; a field so that the JIT cannot fold it. */
        long durationNanos = 250_000;
        /** A request's start and end, as the server hooks pass them. */
        long startNanos = System.nanoTime();
        long endNanos = startNanos + durationNanos;
        /** The JVM's stalls as the hiccup meter leaves them: some long past, and a meter that reported just now. */
        Stalls stalls;

        @Setup(Level.Trial)
        public void create() {
            recording = new Recording(1000, 60_000_000_000L, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
            http = recording.http();
            distribution = Distribution.ofNanos();
            stalls = recording.stalls();
            stalls.watchedBy(1_000_000, 1_000_000);
            for (int i = 0; i < 100; i++) {
                stalls.publish(startNanos - 1_000_000_000L + i * 2_000_000L, startNanos - 1_000_000_000L + i * 2_000_000L + 1_000_000);
            }
        }

        /** The agent harvests on a timer; here once per iteration, outside the measured time. */
        @Setup(Level.Iteration)
        public void harvest() {
            recording.harvest();
            stalls.watched(endNanos);
        }
    }

    /** One connection per thread: the JDK server runs one exchange per connection at a time. */
    @State(Scope.Thread)
    public static class Connection {
        JdkHttpConnection connection;

        @Setup(Level.Trial)
        public void open(Shared shared) {
            connection = new JdkHttpConnection(shared.recording.http(), shared.recording.connections(), System.nanoTime());
        }
    }

    /**
     * One request as the hooks record it: exchange task created (dispatcher), task started, request
     * parsed, status sent, body written, response finished, task ended.
     */
    @Benchmark
    public void requestPath(Connection state) {
        JdkHttpConnection c = state.connection;
        c.requestArrived(System.nanoTime());                                 // exchangeTaskCreated
        c.workerStarted(System.nanoTime());                                  // exchangeTaskStarted
        long allocatedAtStart = ThreadAllocation.currentThreadAllocatedBytes();
        c.requestParsed("GET", 0);                                           // requestParsed
        c.responseStatus(200);                                               // responseStatus
        c.responseBodyWritten(13);                                           // responseBodyWritten
        c.responseFinished(System.nanoTime());                               // responseFinished
        long allocated = allocatedAtStart < 0 ? -1                           // exchangeTaskEnded
                : ThreadAllocation.currentThreadAllocatedBytes() - allocatedAtStart;
        c.workerFinished(allocated, true, null, System.nanoTime());
    }

    /**
     * The series lookup (method x status, no exception) and the recording of one finished request,
     * with its start and end as the server hooks pass them (and so its check against the JVM's stalls).
     */
    @Benchmark
    public void recordRequest(Shared shared) {
        shared.http.recordRequest(0, 200, null, null, shared.startNanos, shared.endNanos, 0, 13);
    }

    /** The check of a finished request against the JVM's stalls, part of recordRequest: none overlapped it. */
    @Benchmark
    public long pauseCheck(Shared shared) {
        return shared.http.pauses().ended(shared.startNanos, shared.endNanos);
    }

    /** One value into one distribution: HdrHistogram recorder plus exact sum. */
    @Benchmark
    public void distributionRecord(Shared shared) {
        shared.distribution.record(shared.durationNanos);
    }

    /** Baseline: one clock read; the per-request path makes four. */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    /** Baseline: one read of the thread's allocated bytes; the per-request path makes two. */
    @Benchmark
    public long threadAllocatedBytes() {
        return ThreadAllocation.currentThreadAllocatedBytes();
    }
}
