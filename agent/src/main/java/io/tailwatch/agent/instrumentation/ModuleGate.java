package io.tailwatch.agent.instrumentation;

import io.tailwatch.agent.support.AgentLog;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The agent's one registered {@link ClassFileTransformer}: it passes a class on to the Byte Buddy
 * transformer of each module that may match it, by name ({@link InstrumentationModule#typeNames}),
 * and answers "unchanged" for every other class the JVM loads after a set lookup. Byte Buddy's own
 * transformer describes each class and runs every matcher, a few dozen microseconds per class and
 * module while the JVM still interprets, which with ten modules was most of what the agent added
 * to an application's start.
 *
 * <p>Modules apply in their order, each to what the previous one produced, as the JVM chains
 * separately registered transformers; one that fails leaves the class as it was (its listener has
 * reported the failure).
 */
final class ModuleGate implements ClassFileTransformer {
    private final List<Entry> entries = new ArrayList<>();
    /** Internal names ({@code a/b/C}) that some module's {@code typeNames()} lists. */
    private final Set<String> names = new HashSet<>();

    /** Adds a module's transformer, after those added before it. Not once the gate is registered. */
    void add(InstrumentationModule module, ClassFileTransformer transformer) {
        Set<String> typeNames = module.typeNames();
        Set<String> internal = null;
        if (typeNames != null) {
            internal = new HashSet<>();
            for (String name : typeNames) {
                internal.add(name.replace('.', '/'));
            }
            names.addAll(internal);
        }
        entries.add(new Entry(module, internal, transformer));
    }

    /** Whether any module may transform the class. */
    boolean accepts(String internalName, ClassLoader loader) {
        if (names.contains(internalName)) {
            return true;
        }
        for (Entry e : entries) {
            if (e.names == null || e.module.mayMatchOther(internalName, loader)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] transform(Module javaModule, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain domain, byte[] classFile) {
        // Hidden classes (lambdas) have no name and cannot be transformed.
        if (className == null || !accepts(className, loader)) {
            return null;
        }
        byte[] current = classFile;
        boolean changed = false;
        for (Entry e : entries) {
            if (e.accepts(className, loader)) {
                try {
                    byte[] result = e.transformer.transform(javaModule, loader, className, classBeingRedefined, domain, current);
                    if (result != null) {
                        current = result;
                        changed = true;
                    }
                } catch (Throwable t) {
                    // Byte Buddy reported it through the module's listener; the class stays as it was.
                }
            }
        }
        return changed ? current : null;
    }

    /**
     * Transforms the classes that some module matches and that were loaded before the gate was
     * registered: with {@code premain}, rarely any; when attached to a running JVM, the servers'.
     * A transformation that adds fields or interfaces to a loaded class is refused by the JVM; such a
     * class runs unmeasured, reported once.
     */
    void retransformLoaded(Instrumentation instrumentation) {
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            String name = type.getName();
            if (name.startsWith("[") || !accepts(name.replace('.', '/'), type.getClassLoader())
                    || !instrumentation.isModifiableClass(type)) {
                continue;
            }
            try {
                instrumentation.retransformClasses(type);
            } catch (Throwable t) {
                AgentLog.once("transform:" + name, "instrumentation could not transform " + name + " (already loaded): "
                        + AgentLog.describe(t) + "; that class runs unmeasured");
            }
        }
    }

    private static final class Entry {
        final InstrumentationModule module;
        final Set<String> names;
        final ClassFileTransformer transformer;

        Entry(InstrumentationModule module, Set<String> names, ClassFileTransformer transformer) {
            this.module = module;
            this.names = names;
            this.transformer = transformer;
        }

        boolean accepts(String internalName, ClassLoader loader) {
            return names == null || names.contains(internalName) || module.mayMatchOther(internalName, loader);
        }
    }
}
