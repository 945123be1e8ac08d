package io.tailwatch.agent.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;

/** One instrumented library: the types it transforms and the hooks its advice calls. */
public interface InstrumentationModule {
    /** Short name used in messages, such as {@code jdk-httpserver}. */
    String name();

    /** The class whose static methods the advice calls; its module must be readable by the instrumented ones. */
    Class<?> hooksClass();

    /** Adds this module's type matchers and transformations. */
    AgentBuilder extend(AgentBuilder agent);
}
