package io.tailwatch.agent.jvm;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.HttpServerRecorder;
import io.tailwatch.agent.recording.JvmRecorder;
import io.tailwatch.agent.support.AgentLog;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * GC pauses and cycles, safepoints, heap after GC and CPU load, streamed in-process from JFR
 * ({@link RecordingStream}: no file is left once the JVM exits; JFR keeps its chunks in its
 * repository under {@code java.io.tmpdir} meanwhile, at most {@link #MAX_AGE} of them).
 *
 * <p>JFR hands events over when it flushes, once a second, so a pause appears in the metrics up
 * to about two seconds after it ended. The pauses come from {@code jdk.GCPhasePause}, one per
 * stop-the-world pause, labelled with the collection ({@code jdk.GarbageCollection}) that they
 * belong to, which JFR emits after its pauses; never from a collection's duration, which for
 * ZGC, Shenandoah and G1's concurrent mark is a whole concurrent cycle.
 *
 * <p>Every handler runs on the stream's one thread; the maps here are that thread's alone.
 */
final class JfrStream {
    /** How long JFR keeps streamed chunks on disk. */
    static final Duration MAX_AGE = Duration.ofSeconds(30);
    /** Collections or safepoints whose first events are held while waiting for their last one. */
    private static final int PENDING = 256;

    private final JvmRecorder jvm;
    private final GcNames names;
    /** Per collection, its pauses so far: start (nanoseconds since the epoch) and duration. */
    private final Map<Integer, List<long[]>> pausesByGc = bounded();
    private final ZgcMinorWindows zgcMinors = new ZgcMinorWindows();
    private final Map<Long, Instant> safepointStarts = bounded();
    private final Map<Long, Long> safepointSyncs = bounded();

    JfrStream(JvmRecorder jvm, GcNames names) {
        this.jvm = jvm;
        this.names = names;
    }

    /** Whether this JVM can record (a JVM with the jdk.jfr module may still have JFR disabled). */
    static boolean available() {
        return FlightRecorder.isAvailable();
    }

    /**
     * Slow requests become JFR events from now on (when {@code slowRequestNanos > 0}), for any
     * recording of the service that wants them, whether or not the stream runs yet.
     */
    static void reportSlowRequests(HttpServerRecorder http, long slowRequestNanos) {
        if (slowRequestNanos > 0) {
            http.reportSlowRequests(new JfrSlowRequests(slowRequestNanos));
        }
    }

    /**
     * Streams until the JVM shuts down, on the calling thread.
     *
     * @return why there is no stream (for one line of the agent's), or null once it ended normally
     */
    static String run(JvmRecorder jvm, Set<String> beanNames) {
        try (RecordingStream stream = new JfrStream(jvm, new GcNames(beanNames)).open()) {
            stream.start();
            return null;
        } catch (Exception e) {
            return "the JFR stream failed (" + AgentLog.describe(e) + ")";
        }
    }

    private static <K, V> Map<K, V> bounded() {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > PENDING;
            }
        };
    }

    /** A stream of the events this class reads, not started. */
    RecordingStream open() {
        RecordingStream stream = new RecordingStream();
        stream.setReuse(true);
        stream.setMaxAge(MAX_AGE);
        stream.enable("jdk.GarbageCollection").withoutThreshold();
        stream.enable("jdk.GCPhasePause").withoutThreshold();
        stream.enable("jdk.GCHeapSummary").withoutThreshold();
        stream.enable("jdk.SafepointBegin").withoutThreshold();
        stream.enable("jdk.SafepointStateSynchronization").withoutThreshold();
        stream.enable("jdk.SafepointEnd").withoutThreshold();
        stream.enable("jdk.CPULoad").withPeriod(Duration.ofSeconds(1));
        stream.onEvent("jdk.GCPhasePause", contained(this::pause));
        stream.onEvent("jdk.GarbageCollection", contained(this::collection));
        stream.onEvent("jdk.GCHeapSummary", contained(this::heapSummary));
        stream.onEvent("jdk.SafepointBegin", contained(e -> safepointStarts.put(e.getLong("safepointId"), e.getStartTime())));
        stream.onEvent("jdk.SafepointStateSynchronization",
                contained(e -> safepointSyncs.put(e.getLong("safepointId"), e.getDuration().toNanos())));
        stream.onEvent("jdk.SafepointEnd", contained(this::safepointEnd));
        stream.onEvent("jdk.CPULoad", contained(e -> jvm.cpuLoad(e.getFloat("jvmUser"), e.getFloat("jvmSystem"), e.getFloat("machineTotal"))));
        return stream;
    }

    private static Consumer<RecordedEvent> contained(Consumer<RecordedEvent> handler) {
        return event -> {
            try {
                handler.accept(event);
            } catch (Throwable t) {
                AgentErrors.record("jfr-stream", t);
            }
        };
    }

    private void pause(RecordedEvent e) {
        pausesByGc.computeIfAbsent(e.getInt("gcId"), id -> new ArrayList<>(4))
                .add(new long[] {epochNanos(e.getStartTime()), e.getDuration().toNanos()});
    }

    private void collection(RecordedEvent e) {
        String name = text(e, "name");
        String cause = text(e, "cause");
        List<long[]> pauses = pausesByGc.remove(e.getInt("gcId"));
        String pauseName = names.pauses(name);
        boolean zgcMajor = name.equals("ZGC Major");
        if (name.equals("ZGC Minor")) {
            zgcMinors.minorCollection(epochNanos(e.getStartTime()), epochNanos(e.getEndTime()));
        }
        if (pauses != null) {
            for (long[] pause : pauses) {
                // The minor collection such a pause fell in ended, and was streamed, before the longer major one.
                boolean countedAsMinor = zgcMajor && zgcMinors.duringMinor(pause[0]);
                jvm.gcPause(countedAsMinor ? names.pauses("ZGC Minor") : pauseName, cause, pause[1]);
            }
        } else {
            // A JDK without pause phases for this collector: the collection's own total of pauses.
            long sumOfPauses = e.getDuration("sumOfPauses").toNanos();
            if (sumOfPauses > 0) {
                jvm.gcPause(pauseName, cause, sumOfPauses);
            }
        }
        if (names.concurrent(name)) {
            jvm.gcCycle(names.cycles(name), e.getDuration().toNanos());
        }
    }

    private void heapSummary(RecordedEvent e) {
        if ("After GC".equals(text(e, "when"))) {
            jvm.heapUsedAfterGc(e.getLong("heapUsed"));
        }
    }

    private void safepointEnd(RecordedEvent e) {
        long id = e.getLong("safepointId");
        Instant start = safepointStarts.remove(id);
        Long sync = safepointSyncs.remove(id);
        if (start != null) {
            jvm.safepoint(Duration.between(start, e.getEndTime()).toNanos(), sync == null ? -1 : sync);
        }
    }

    private static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /** A field that JFR may type as a string or as a constant such as {@code GCName}. */
    private static String text(RecordedEvent e, String field) {
        Object value = e.getValue(field);
        return value == null ? "unknown" : value.toString();
    }
}
