package io.tailwatch.agent.instrumentation;

import java.util.List;

/** One instrumented library: the types it transforms and the hooks its advice calls. */
public interface InstrumentationModule {
    /** Short name used in messages, such as {@code jdk-httpserver}. */
    String name();

    /** The class whose static methods the advice calls; its module must be readable by the instrumented ones. */
    Class<?> hooksClass();

    /** Adds this module's type matchers and transformations. */
    Transformations extend(Transformations agent);

    /**
     * The classes of {@link #typeNames} to which {@link #extend}'s transformations add fields,
     * methods or interfaces, which the JVM refuses for a class already loaded: if one of them is
     * loaded when the agent starts (attached to a running JVM, or after another agent loaded it),
     * the module switches to {@link #extendLoaded}. The others take their advice either way. By
     * default every class named; {@code InstrumentationGateTest} checks that no class given
     * members is left out.
     */
    default List<String> typesGivenMembers() {
        return typeNames();
    }

    /**
     * Whether {@code loaded}, a class of {@link #typesGivenMembers} that the JVM loaded before the
     * agent, is one of this module's library: false for a class of another library (another major
     * version of it) that bears the same name, which then does not switch this module to
     * {@link #extendLoaded} (Jetty 9.4 and 12 share some names). Called once per such class when
     * the agent attaches; by default true.
     */
    default boolean givesMembersTo(Class<?> loaded) {
        return true;
    }

    /**
     * The transformations to use instead of {@link #extend}'s when some class of
     * {@link #typesGivenMembers} was already loaded when the agent started (attached to a running JVM): the JVM lets a loaded
     * class's method bodies change, but not its fields, methods or interfaces. They then apply to
     * every class of the module, loaded before or after, so that all its advice agrees on where the
     * request's state is kept. Null, the default, when the module cannot measure without adding
     * members: it then stays off in this JVM, said once. A module that adds no members returns
     * {@code extend(agent)}.
     */
    default Transformations extendLoaded(Transformations agent) {
        return null;
    }

    /**
     * What {@link #extendLoaded}'s transformations measure less than {@link #extend}'s, said once
     * when they are used: a phrase such as "its request clock starts when a worker runs the
     * handler". Null when they measure the same.
     */
    default String loadedLimits() {
        return null;
    }

    /**
     * Binary names of every class that {@link #extend}'s matchers can match. Only those classes
     * (and those {@link #mayMatchOther} lets through) reach this module's transformer: every other
     * class the JVM loads costs a set lookup rather than Byte Buddy describing it and running the
     * matchers, which in a JVM that has just started, interpreting, added tens of milliseconds to
     * the application's start. Once a class of their packages loads, the agent transforms the
     * others on a thread of its own before the application asks for them, in this order: list
     * them as the library loads them. A name missing here is a class left unmeasured:
     * {@code InstrumentationGateTest} runs every module's matchers over the libraries' classes and
     * fails on one. Null hands this module every class.
     */
    default List<String> typeNames() {
        return null;
    }

    /**
     * For matchers that do not name their classes: whether a class not in {@link #typeNames} may
     * match, from its internal name ({@code a/b/C}) and defining loader (null for the bootstrap
     * loader) alone. It runs for every class the JVM loads: it must be cheap, and must load no
     * class.
     */
    default boolean mayMatchOther(String internalName, ClassLoader loader) {
        return false;
    }

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
