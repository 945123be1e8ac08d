package io.tailwatch.collector.alert;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Sends alert events to the sinks off the refresh thread, so that a slow or absent receiver never
 * delays the table; a failed delivery is one line on the error stream and is not retried (a firing
 * alert is repeated anyway to the sinks that want it, every {@link #REPEAT}).
 */
public final class AlertDispatcher implements AutoCloseable {

    /** Well inside Alertmanager's default resolve_timeout of 5 min. */
    static final Duration REPEAT = Duration.ofMinutes(1);

    private final List<AlertSink> sinks;
    private final PrintStream err;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "alert-sender");
        t.setDaemon(true);
        return t;
    });
    private Instant lastRepeat;

    public AlertDispatcher(List<AlertSink> sinks, PrintStream err) {
        this.sinks = List.copyOf(sinks);
        this.err = err;
    }

    /** Queues the new events for every sink, and the firing alerts again for those that want repeats when due. */
    public void dispatch(List<AlertEvent> events, List<AlertEvaluator.Active> active, Instant now) {
        if (sinks.isEmpty()) {
            return;
        }
        List<AlertEvent> repeats = new ArrayList<>();
        if (lastRepeat == null || Duration.between(lastRepeat, now).compareTo(REPEAT) >= 0) {
            lastRepeat = now;
            for (AlertEvaluator.Active a : active) {
                boolean isNew = events.stream().anyMatch(e -> e.rule().equals(a.rule()) && e.target().equals(a.target()));
                if (a.firing() && !isNew) {
                    repeats.add(new AlertEvent(AlertEvent.State.FIRING, a.rule(), a.target(), a.instance(), a.value(), a.since(), null));
                }
            }
        }
        for (AlertSink sink : sinks) {
            List<AlertEvent> batch = new ArrayList<>(events);
            if (sink.wantsRepeats()) {
                batch.addAll(repeats);
            }
            if (!batch.isEmpty()) {
                sender.execute(() -> deliver(sink, batch));
            }
        }
    }

    private void deliver(AlertSink sink, List<AlertEvent> batch) {
        try {
            sink.send(batch);
        } catch (IOException e) {
            err.println("tailwatch-collector: " + sink.name() + ": alerts not delivered: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the queued deliveries (a last resolved event, say) finish for up to five seconds. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.shutdownNow();
    }
}
