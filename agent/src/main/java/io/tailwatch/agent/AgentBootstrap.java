package io.tailwatch.agent;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.config.ConfigLoader;
import io.tailwatch.agent.export.EndpointSecurity;
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

    /**
     * Never throws.
     *
     * @param attached whether the agent was loaded into the running JVM rather than at its start
     * @param started  run once the start line is printed, or the start failed
     */
    public static void start(String agentArgs, Instrumentation instrumentation, String version, String agentJar,
                             boolean attached, Runnable started) {
        try {
            AgentConfig config = ConfigLoader.load(agentArgs, System.getProperties(), System.getenv(), AgentLog::line);
            Recording recording = new Recording(config.maxSeries(), config.window().toNanos(), config.bucketsNanos());
            Recording.install(recording);
            if (attached) {
                recording.instrumentations().attached();
            }
            // Look the thread MXBean up now rather than on the first request's thread.
            ThreadAllocation.supported();
            List<String> instrumented = Instrumentations.install(instrumentation, new File(agentJar), recording.instrumentations());
            startHarvester(recording, config.window().toMillis() / 6);
            Supplier<String> jvm = JvmMonitoring.start(config, recording, instrumentation, agentJar);
            // The endpoint is not needed before main: it starts beside the application instead of
            // delaying it, and prints the start line once it listens. The exporter behind it (the
            // Prometheus client and the collectors) is made once the application has started, or
            // at the first scrape, rather than take CPU from the application's start.
            AgentThread.create("endpoint-start", () -> startEndpoint(config, recording, version, instrumented, jvm, started)).start();
        } catch (Throwable t) {
            AgentLog.line("agent disabled, the application runs unmeasured: " + AgentLog.describe(t));
            started.run();
        }
    }

    private static void startEndpoint(AgentConfig config, Recording recording, String version, List<String> instrumented,
                                      Supplier<String> jvm, Runnable started) {
        try {
            MetricsExporter.Deferred exporter = new MetricsExporter.Deferred(recording, version);
            boolean tls = config.endpointAccess().tls();
            if (tls) {
                // JSSE reads jdk.tls.* and javax.net.* properties once, as its classes initialise: set
                // up now, it would freeze them before the application's main could set them.
                ApplicationStart.await(recording.http());
            }
            String where;
            boolean serving = false;
            if (config.host() == null) {
                where = "metrics endpoint OFF: the host setting is unusable (see above)";
            } else {
                try {
                    EndpointSecurity security = EndpointSecurity.prepare(config.endpointAccess());
                    try {
                        MetricsEndpoint endpoint = MetricsEndpoint.start(config.host(), config.port(), security, exporter);
                        where = "metrics at " + (tls ? "https" : "http") + "://" + urlHost(config.host()) + ":" + endpoint.port()
                                + "/metrics (" + (isWildcard(config.host()) ? "every interface, " : "") + security.describe() + ")";
                        serving = true;
                    } catch (Exception e) {
                        where = "metrics endpoint OFF: cannot listen on " + ConfigLoader.printable(config.host()) + ":" + config.port()
                                + " (" + AgentLog.describe(e) + "); set another port with port=... or TAILWATCH_PORT";
                    }
                } catch (EndpointSecurity.Unusable e) {
                    where = "metrics endpoint OFF: " + e.getMessage();
                }
            }
            AgentLog.line("tailwatch " + version + " active on Java " + System.getProperty("java.runtime.version") + "; " + where
                    + "; instrumenting " + String.join(", ", instrumented) + "; JVM: " + jvm.get());
            started.run();
            if (serving) {
                if (!tls) {
                    ApplicationStart.await(recording.http());
                }
                exporter.exporter();
            }
        } catch (Throwable t) {
            AgentLog.line("metrics endpoint OFF, the application runs on: " + AgentLog.describe(t));
            started.run();
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** An IPv6 literal in brackets, as a URL needs it. */
    private static String urlHost(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
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
