package io.tailwatch.agent;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.config.ConfigLoader;
import io.tailwatch.agent.export.MetricsEndpoint;
import io.tailwatch.agent.export.MetricsExporter;
import io.tailwatch.agent.instrumentation.Instrumentations;
import io.tailwatch.agent.jvm.JvmMonitoring;
import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ThreadAllocation;
import io.tailwatch.agent.support.AgentLog;
import io.tailwatch.agent.support.AgentThread;
import io.tailwatch.agent.support.ApplicationStart;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.function.Supplier;

/**
 * Starts the agent once {@link TailwatchAgent} has put the recorders in the bootstrap loader: configuration,
 * recorders, instrumentation, the harvest timer, the JVM's monitoring and the metrics endpoint, each of which can fail
 * alone with one line on standard error while the application runs on.
 */
public final class AgentBootstrap {
    private AgentBootstrap() {
    }

    /** Never throws. */
    public static void start(String agentArgs, Instrumentation instrumentation, String version, String agentJar) {
        try {
            AgentConfig config = ConfigLoader.load(agentArgs, System.getProperties(), System.getenv(), AgentLog::line);
            Recording recording = new Recording(config.maxSeries(), config.window().toNanos(), config.bucketsNanos());
            Recording.install(recording);
            // Look the thread MXBean up now rather than on the first request's thread.
            ThreadAllocation.supported();
            List<String> instrumented = Instrumentations.install(instrumentation, new File(agentJar), recording.instrumentations());
            startHarvester(recording, config.window().toMillis() / 6);
            Supplier<String> jvm = JvmMonitoring.start(config, recording, instrumentation, agentJar);
            // The endpoint is not needed before main: it starts beside the application instead of
            // delaying it, and prints the start line once it listens. The exporter behind it (the
            // Prometheus client and the collectors) is made once the application has started, or
            // at the first scrape, rather than take CPU from the application's start.
            AgentThread.create("endpoint-start", () -> startEndpoint(config, recording, version, instrumented, jvm)).start();
        } catch (Throwable t) {
            AgentLog.line("agent disabled, the application runs unmeasured: " + AgentLog.describe(t));
        }
    }

    private static void startEndpoint(AgentConfig config, Recording recording, String version, List<String> instrumented,
                                      Supplier<String> jvm) {
        try {
            MetricsExporter.Deferred exporter = new MetricsExporter.Deferred(recording, version);
            String where;
            boolean serving = false;
            try {
                MetricsEndpoint endpoint = MetricsEndpoint.start(config.host(), config.port(), exporter);
                where = "metrics at http://" + config.host() + ":" + endpoint.port() + "/metrics";
                serving = true;
            } catch (Exception e) {
                where = "metrics endpoint OFF: cannot listen on " + config.host() + ":" + config.port() + " ("
                        + AgentLog.describe(e) + "); set another port with port=... or TAILWATCH_PORT";
            }
            AgentLog.line("tailwatch " + version + " active on Java " + System.getProperty("java.runtime.version") + "; " + where
                    + "; instrumenting " + String.join(", ", instrumented) + "; JVM: " + jvm.get());
            if (serving) {
                ApplicationStart.await(recording.http());
                exporter.exporter();
            }
        } catch (Throwable t) {
            AgentLog.line("metrics endpoint OFF, the application runs on: " + AgentLog.describe(t));
        }
    }

    private static void startHarvester(Recording recording, long periodMillis) {
        AgentThread.create("harvester", () -> {
            while (true) {
                try {
                    Thread.sleep(Math.max(1000, periodMillis));
                    recording.harvest();
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t) {
                    AgentErrors.record("harvester", t);
                }
            }
        }).start();
    }
}
