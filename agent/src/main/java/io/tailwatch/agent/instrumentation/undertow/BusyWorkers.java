package io.tailwatch.agent.instrumentation.undertow;

import java.util.concurrent.atomic.LongAdder;

/**
 * How many worker threads of one XNIO worker are running an Undertow root handler right now, kept
 * in a field added to {@code org.xnio.XnioWorker}. XNIO's own count
 * ({@code XnioWorkerMXBean.getBusyWorkerThreadCount}) reads -1 unless JBoss Threads was started
 * with {@code jboss.threads.eqe.statistics.active-count=true}, which the agent does not impose.
 *
 * <p>Threads: entered and exited by any number of worker threads at once, without contention (a
 * {@link LongAdder}); {@link #count} is read at scrape time and is exact once the runs it sums
 * have ended.
 */
public final class BusyWorkers {
    private final LongAdder running = new LongAdder();

    /** A worker thread starts running a root handler. */
    public void enter() {
        running.increment();
    }

    /** That worker thread's run returned or threw. */
    public void exit() {
        running.decrement();
    }

    /** Read by {@code WorkerPools} at scrape time, by name. */
    public int count() {
        return (int) Math.max(0, running.sum());
    }
}
