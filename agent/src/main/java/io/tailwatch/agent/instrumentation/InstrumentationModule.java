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

    /**
     * Whether this module transforms classes of the JDK (the bootstrap or platform class loader).
     * Modules that do not never even see such classes: matching a JDK class while the JVM loads it
     * must not resolve anything (a supertype lookup can load another JDK class and end in a
     * {@code ClassCircularityError} in the application).
     */
    default boolean transformsJdkClasses() {
        return false;
    }
}
