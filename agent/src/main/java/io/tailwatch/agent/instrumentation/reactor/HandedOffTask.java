package io.tailwatch.agent.instrumentation.reactor;

import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * A task a request's handler gave a Reactor scheduler to run at once, while the request was
 * published: the request's handler starts when a worker runs it (its queue time is the time the
 * task waited), and the request is published while it runs. Created only for such tasks (one per hand-off), never on a request's common path.
 *
 * <p>Threads: created by the handler's thread before the scheduler submits it; run by a worker
 * that got it through the scheduler's executor queue, which orders the two.
 */
final class HandedOffTask implements Runnable {
    private final Runnable task;
    private final ServerRequest request;
    private final long arrivalNanos;
    private final long handedOffNanos;

    HandedOffTask(Runnable task, ServerRequest request, long handedOffNanos) {
        this.task = task;
        this.request = request;
        this.arrivalNanos = request.arrivalNanos();
        this.handedOffNanos = handedOffNanos;
    }

    @Override
    public void run() {
        if (!request.inFlight() || request.arrivalNanos() != arrivalNanos) {
            // The request ended (its object may measure a later one by now): nothing to mark.
            task.run();
            return;
        }
        request.handlerStarted(ReactorHooks.startAfterWait(request, handedOffNanos, System.nanoTime()));
        ServerRequest previous = CurrentRequest.enter(request);
        try {
            task.run();
        } finally {
            CurrentRequest.exit(previous);
        }
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
