package io.tailwatch.agent.instrumentation;

import io.tailwatch.agent.instrumentation.jdkhttp.JdkHttpServerInstrumentation;
import io.tailwatch.agent.instrumentation.jersey.JerseyInstrumentation;
import io.tailwatch.agent.instrumentation.jetty.JettyInstrumentation;
import io.tailwatch.agent.instrumentation.jetty9.Jetty9Instrumentation;
import io.tailwatch.agent.instrumentation.net.TcpAcceptInstrumentation;
import io.tailwatch.agent.instrumentation.netty.NettyInstrumentation;
import io.tailwatch.agent.instrumentation.reactor.ReactorInstrumentation;
import io.tailwatch.agent.instrumentation.springmvc.SpringMvcInstrumentation;
import io.tailwatch.agent.instrumentation.springwebflux.SpringWebfluxInstrumentation;
import io.tailwatch.agent.instrumentation.tomcat.TomcatInstrumentation;
import io.tailwatch.agent.instrumentation.undertow.UndertowInstrumentation;
import io.tailwatch.agent.instrumentation.vertx.VertxInstrumentation;
import io.tailwatch.agent.recording.InstrumentationStatus;
import io.tailwatch.agent.support.AgentLog;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;


/**
 * Installs every {@link InstrumentationModule}, each with its own {@link ModuleTransformer} so that
 * one failing module leaves the others working, all behind one {@link ModuleGate} that hands each
 * module only the classes it names. Classes of the bootstrap and platform class loaders are
 * included: the JDK's HTTP server and accept path live there.
 */
public final class Instrumentations {
    private Instrumentations() {
    }

    public static List<InstrumentationModule> all() {
        return List.of(new TcpAcceptInstrumentation(), new JdkHttpServerInstrumentation(), new TomcatInstrumentation(),
                new JettyInstrumentation(), new Jetty9Instrumentation(), new UndertowInstrumentation(), new NettyInstrumentation(),
                new ReactorInstrumentation(), new VertxInstrumentation(), new SpringMvcInstrumentation(),
                new SpringWebfluxInstrumentation(), new JerseyInstrumentation());
    }

    /**
     * @param agentJar where the advice classes' bytes are read from: the agent jar itself, so that
     *                 it does not matter which class loader the agent was loaded by
     * @param status   told which modules were installed and, as their classes load, applied
     * @return the names of the modules installed, in order
     */
    public static List<String> install(Instrumentation instrumentation, File agentJar, InstrumentationStatus status) {
        AdviceFactory.use(agentJar);
        List<String> installed = new ArrayList<>();
        ModuleGate gate = new ModuleGate();
        for (InstrumentationModule module : all()) {
            try {
                gate.add(new ModuleTransformer(module, status, instrumentation));
                status.installed(module.name());
                installed.add(module.name());
            } catch (Throwable t) {
                AgentLog.line("instrumentation " + module.name() + " is off: " + AgentLog.describe(t));
            }
        }
        // The JDK's accept path, which every server and the agent's own endpoint load, prepared at
        // once: the first transformation loads most of Byte Buddy's classes and runs them
        // interpreted (0.3 to 0.5 s of CPU), and this one does it beside the rest of the agent's
        // start and the application's main.
        gate.prepareModule(null, TcpAcceptInstrumentation.NAME);
        // Retransformable, so that classes loaded before it (when attached to a running JVM) are
        // transformed through it too.
        Class<?>[] loaded = instrumentation.getAllLoadedClasses();
        gate.libraryLoadedBefore(loaded);
        instrumentation.addTransformer(gate, true);
        gate.retransformLoaded(instrumentation, loaded);
        return installed;
    }
}
