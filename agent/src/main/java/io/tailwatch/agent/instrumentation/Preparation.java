package io.tailwatch.agent.instrumentation;

import io.tailwatch.agent.support.AgentThread;
import net.bytebuddy.dynamic.ClassFileLocator;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Transforms the classes a module names before the application loads them, on the agent's
 * {@code tailwatch-prepare} thread, once a class of one of the module's packages has loaded: the
 * JDK's accept path as soon as the agent starts (every server and the agent's own endpoint use it,
 * and it is the first transformation, which loads Byte Buddy's classes), a server's request path as
 * its first classes load. What an application thread would otherwise do while starting or serving
 * its first request happens beside it, on the other core.
 *
 * <p>A prepared class file is used only if the JVM loads the very class file that was prepared (the
 * same bytes, by the same loader); anything else, and a class whose preparation failed, is
 * transformed as it loads, as without preparation. An application thread that needs a class the
 * agent is preparing waits for it, at most {@link #WAIT_MILLIS}; one not yet begun it transforms
 * itself.
 */
final class Preparation {
    /** Far above a transformation's time: only a thread that can never finish is given up on. */
    static final long WAIT_MILLIS = 10_000;
    private static final long IDLE_MILLIS = 30_000;

    enum State { QUEUED, RUNNING, TAKEN, DONE, FAILED }

    private static final class Job {
        /** Weak: jobs are values of maps weak in their loaders. Null for the bootstrap loader. */
        final WeakReference<ClassLoader> loader;
        final String name;
        State state = State.QUEUED;
        Thread runner;
        byte[] input;
        ModuleGate.Result result;

        Job(ClassLoader loader, String name) {
            this.loader = loader == null ? null : new WeakReference<>(loader);
            this.name = name;
        }
    }

    private final ModuleGate gate;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    /** Jobs by loader and internal name; the bootstrap loader's under null. Guarded by itself. */
    private final Map<ClassLoader, Map<String, Job>> jobs = new WeakHashMap<>();
    private final Map<String, Job> bootstrapJobs = new HashMap<>();
    /** Modules already prepared for each loader. Guarded by {@link #jobs}. */
    private final Map<ClassLoader, Set<ModuleTransformer>> hinted = new WeakHashMap<>();
    private final Set<ModuleTransformer> bootstrapHinted = new HashSet<>();
    private Thread worker;

    Preparation(ModuleGate gate) {
        this.gate = gate;
    }

    /** A class of these modules' packages loaded in this loader: prepares each module's classes once. */
    void hint(ClassLoader loader, List<ModuleTransformer> modules) {
        synchronized (jobs) {
            Set<ModuleTransformer> done = loader == null ? bootstrapHinted : hinted.computeIfAbsent(loader, l -> new HashSet<>());
            for (ModuleTransformer module : modules) {
                if (!module.sees(loader) || !done.add(module)) {
                    continue;
                }
                for (String name : gate.internalNames(module)) {
                    queue(loader, name);
                }
            }
        }
    }

    /** Prepares one class, unless it is already. */
    void prepare(ClassLoader loader, String name) {
        synchronized (jobs) {
            queue(loader, name);
        }
    }

    private void queue(ClassLoader loader, String name) {
        Map<String, Job> byName = jobsOf(loader);
        if (!byName.containsKey(name)) {
            Job job = new Job(loader, name);
            byName.put(name, job);
            queue.add(() -> prepare(job));
            startWorker();
        }
    }

    /** Runs a task on the preparing thread, after those queued before it. */
    void run(Runnable task) {
        synchronized (jobs) {
            queue.add(task);
            startWorker();
        }
    }

    private void startWorker() {
        if (worker == null) {
            worker = AgentThread.create("prepare", this::work);
            worker.start();
        }
    }

    /**
     * For the JVM loading a class: what was prepared from this very class file, waiting for it if
     * the agent is preparing it now.
     *
     * @return null if the caller must transform the class itself
     */
    ModuleGate.Result take(ClassLoader loader, String name, byte[] classFile) {
        Job job;
        synchronized (jobs) {
            job = jobsOf(loader).get(name);
        }
        if (job == null) {
            return null;
        }
        synchronized (job) {
            // The agent's own threads (its endpoint's accept path) leave the work to the preparing
            // thread rather than compete with the application for the cores.
            if ((job.state == State.QUEUED && !AgentThread.isCurrent()) || job.runner == Thread.currentThread()) {
                job.state = State.TAKEN;
                return null;
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            long left;
            while ((job.state == State.RUNNING || job.state == State.QUEUED) && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(job, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            ModuleGate.Result result = job.state == State.DONE && Arrays.equals(job.input, classFile) ? job.result : null;
            // Whatever happened, it is this class's only load: what was prepared is of no more use.
            job.state = State.TAKEN;
            job.input = null;
            job.result = null;
            return result;
        }
    }

    /** Where the preparation of a class stands, null if it was never asked for (for tests). */
    State stateOf(ClassLoader loader, String name) {
        Job job;
        synchronized (jobs) {
            job = jobsOf(loader).get(name);
        }
        if (job == null) {
            return null;
        }
        synchronized (job) {
            return job.state;
        }
    }

    private Map<String, Job> jobsOf(ClassLoader loader) {
        return loader == null ? bootstrapJobs : jobs.computeIfAbsent(loader, l -> new HashMap<>());
    }

    private void work() {
        while (true) {
            Runnable job;
            try {
                job = queue.poll(IDLE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                synchronized (jobs) {
                    if (queue.isEmpty()) {
                        worker = null;
                        forgetUntaken();
                        return;
                    }
                }
                continue;
            }
            try {
                job.run();
            } catch (Throwable t) {
                // A warm-up that failed: the classes are transformed as they load.
            }
        }
    }

    /**
     * Once idle: what was prepared and not taken by now is of classes the application does not use
     * (another server's, where one class was prepared to load Byte Buddy's), or not yet; should one
     * load later, it is transformed then.
     */
    private void forgetUntaken() {
        List<Map<String, Job>> all = new ArrayList<>(jobs.values());
        all.add(bootstrapJobs);
        for (Map<String, Job> byName : all) {
            for (Job job : byName.values()) {
                synchronized (job) {
                    if (job.state == State.DONE) {
                        job.state = State.FAILED;
                        job.input = null;
                        job.result = null;
                    }
                }
            }
        }
    }

    private void prepare(Job job) {
        synchronized (job) {
            if (job.state != State.QUEUED) {
                return;
            }
            job.state = State.RUNNING;
            job.runner = Thread.currentThread();
        }
        byte[] input = null;
        ModuleGate.Result result = null;
        try {
            ClassLoader loader = job.loader == null ? null : job.loader.get();
            if (job.loader == null || loader != null) {
                ClassFileLocator.Resolution found = ClassFileLocator.ForClassLoader.of(loader).locate(job.name.replace('/', '.'));
                if (found.isResolved()) {
                    input = found.resolve();
                    result = gate.apply(loader, job.name, null, null, null, input, false);
                }
            }
        } catch (Throwable t) {
            // Not prepared: the class is transformed as it loads, and a failure reported then.
            result = null;
        } finally {
            synchronized (job) {
                if (job.state == State.RUNNING) {
                    job.input = input;
                    job.result = result;
                    job.state = result == null ? State.FAILED : State.DONE;
                }
                job.runner = null;
                job.notifyAll();
            }
        }
    }
}
