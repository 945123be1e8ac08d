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
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;


/**
 * Installs every {@link InstrumentationModule}, each with its own transformer so that one failing
 * module leaves the others working. Classes of the bootstrap and platform class loaders are
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
     * @param agentClasses where the advice classes' bytes are read from: the agent jar itself, so
     *                     that it does not matter which class loader the agent was loaded by
     * @param status       told which modules were installed and, as their classes load, applied
     * @return the names of the modules installed, in order
     */
    public static List<String> install(Instrumentation instrumentation, ClassFileLocator agentClasses,
                                       InstrumentationStatus status) {
        AdviceFactory.use(agentClasses);
        // AgentBuilder.Default eagerly prepares Byte Buddy's Nexus (type initializers injected at
        // load time), which the agent never uses and which calls sun.misc.Unsafe: on JDK 24+ that
        // prints a deprecation warning into the host's output. The property name is relocated with
        // Byte Buddy, so this only ever affects the agent's own copy.
        String nexus = System.getProperty(Nexus.PROPERTY);
        System.setProperty(Nexus.PROPERTY, "true");
        try {
            return installAll(instrumentation, status);
        } finally {
            if (nexus == null) {
                System.clearProperty(Nexus.PROPERTY);
            } else {
                System.setProperty(Nexus.PROPERTY, nexus);
            }
        }
    }

    private static List<String> installAll(Instrumentation instrumentation, InstrumentationStatus status) {
        List<String> installed = new ArrayList<>();
        for (InstrumentationModule module : all()) {
            try {
                AgentBuilder agent = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                        // By name and loader only: every class the JVM loads passes this matcher
                        // in each module, and neither needs the class file parsed.
                        .ignore(ignored(module))
                        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                        .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                        .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                        .with(new StatusListener(module.name(), status))
                        .assureReadEdgeTo(instrumentation, module.hooksClass());
                status.installed(module.name());
                module.extend(agent).installOn(instrumentation);
                installed.add(module.name());
            } catch (Throwable t) {
                AgentLog.line("instrumentation " + module.name() + " is off: " + AgentLog.describe(t));
            }
        }
        return installed;
    }

    /** The agent's own classes, and the JDK's for a module that transforms none of them. */
    private static AgentBuilder.RawMatcher ignored(InstrumentationModule module) {
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        boolean jdk = module.transformsJdkClasses();
        return (type, loader, javaModule, redefined, domain) -> type.getName().startsWith("io.tailwatch.")
                || (!jdk && (loader == null || loader == platform));
    }

    /**
     * Marks a module applied when it transforms a class, and reports, once per type, a class it
     * could not transform; that class loads unchanged.
     */
    private static final class StatusListener extends AgentBuilder.Listener.Adapter {
        private final String module;
        private final InstrumentationStatus status;

        StatusListener(String module, InstrumentationStatus status) {
            this.module = module;
            this.status = status;
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule javaModule, boolean loaded, Throwable throwable) {
            AgentLog.once("transform:" + typeName, "instrumentation " + module + " could not transform " + typeName
                    + (loaded ? " (already loaded)" : "") + ": " + AgentLog.describe(throwable)
                    + "; that class runs unmeasured");
        }

        @Override
        public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule javaModule,
                                     boolean loaded, net.bytebuddy.dynamic.DynamicType dynamicType) {
            status.applied(module);
        }
    }
}
