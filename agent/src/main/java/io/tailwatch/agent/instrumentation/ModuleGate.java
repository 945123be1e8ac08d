package io.tailwatch.agent.instrumentation;

import io.tailwatch.agent.recording.InstrumentationStatus;
import io.tailwatch.agent.support.AgentLog;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's one registered {@link ClassFileTransformer}: it passes a class on to each module that
 * may match it by name ({@link InstrumentationModule#typeNames}), and answers "unchanged" for every
 * other class the JVM loads after a set lookup. Describing each class and running every module's
 * matchers on it, as Byte Buddy's own transformers do, costs a few dozen microseconds per class and
 * module while the JVM still interprets.
 *
 * <p>Transforming a class costs far more, most of all the first (Byte Buddy's classes load then):
 * once a class of a module's packages loads, the {@link Preparation} transforms the classes the
 * module names on a thread of the agent's, and the application's thread takes the result when
 * the JVM loads one of them, if its class file is the one prepared.
 *
 * <p>Modules apply in their order, each to what the previous one produced, as the JVM chains
 * transformers. A class that loads while this thread transforms another is left as it is, as Byte
 * Buddy's circularity lock does: transforming reads class files and loads none of the modules'.
 */
final class ModuleGate implements ClassFileTransformer {
    private final List<ModuleTransformer> modules = new ArrayList<>();
    private final List<Set<String>> namesByModule = new ArrayList<>();
    /** Internal names ({@code a/b/C}) that some module's {@code typeNames()} lists. */
    private final Set<String> names = new HashSet<>();
    /** Modules by the internal names of their classes' packages. */
    private final Map<String, List<ModuleTransformer>> byPackage = new HashMap<>();
    private final ThreadLocal<Boolean> transforming = new ThreadLocal<>();
    final Preparation preparation = new Preparation(this);

    /** What the modules made of a class, and which of them changed it. */
    static final class Result {
        static final Result UNCHANGED = new Result(null, List.of());

        final byte[] classFile;
        final List<ModuleTransformer> applied;

        Result(byte[] classFile, List<ModuleTransformer> applied) {
            this.classFile = classFile;
            this.applied = applied;
        }
    }

    /** Adds a module, after those added before it; only before the gate is registered. */
    void add(ModuleTransformer transformer) {
        List<String> typeNames = transformer.module().typeNames();
        Set<String> internal = null;
        if (typeNames != null) {
            internal = new HashSet<>();
            for (String name : typeNames) {
                String internalName = name.replace('.', '/');
                internal.add(internalName);
                List<ModuleTransformer> inPackage = byPackage.computeIfAbsent(
                        internalName.substring(0, Math.max(0, internalName.lastIndexOf('/'))), p -> new ArrayList<>());
                if (!inPackage.contains(transformer)) {
                    inPackage.add(transformer);
                }
            }
            names.addAll(internal);
        }
        modules.add(transformer);
        namesByModule.add(internal);
    }

    /** Whether any module may transform the class. */
    boolean accepts(String internalName, ClassLoader loader) {
        if (names.contains(internalName)) {
            return true;
        }
        for (int i = 0; i < modules.size(); i++) {
            if (namesByModule.get(i) == null || modules.get(i).module().mayMatchOther(internalName, loader)) {
                return !internalName.startsWith("io/tailwatch/");
            }
        }
        return false;
    }

    @Override
    public byte[] transform(Module javaModule, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain domain, byte[] classFile) {
        // Hidden classes (lambdas) have no name and cannot be transformed.
        if (className == null) {
            return null;
        }
        if (transforming.get() != null) {
            if (names.contains(className)) {
                // Not silently: a server class left as it is leaves its requests unmeasured.
                String name = className.replace('/', '.');
                AgentLog.once("transform:" + name, "instrumentation could not transform " + name
                        + " (it loaded while the agent transformed another class); that class runs unmeasured");
            }
            return null;
        }
        int slash = className.lastIndexOf('/');
        if (slash > 0) {
            List<ModuleTransformer> hinted = byPackage.get(className.substring(0, slash));
            if (hinted != null) {
                preparation.hint(loader, hinted);
            }
        }
        if (!accepts(className, loader)) {
            return null;
        }
        transforming.set(Boolean.TRUE);
        try {
            Result result = classBeingRedefined == null ? preparation.take(loader, className, classFile) : null;
            if (result == null) {
                result = apply(loader, className, classBeingRedefined, domain, javaModule, classFile, true);
            }
            for (ModuleTransformer applied : result.applied) {
                applied.applied(javaModule);
            }
            return result.classFile;
        } finally {
            transforming.remove();
        }
    }

    /**
     * Every module that accepts the class, in order.
     *
     * @param report whether a module that fails says so; if not, a failure ends in null
     * @return what they made of it; null only if a module failed and {@code report} is false
     */
    Result apply(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, Module javaModule,
                 byte[] classFile, boolean report) {
        byte[] current = classFile;
        List<ModuleTransformer> applied = null;
        for (int i = 0; i < modules.size(); i++) {
            ModuleTransformer module = modules.get(i);
            Set<String> moduleNames = namesByModule.get(i);
            boolean accepts = moduleNames == null || moduleNames.contains(className) || module.module().mayMatchOther(className, loader);
            if (!accepts || !module.sees(loader)) {
                continue;
            }
            try {
                byte[] result = module.apply(loader, className, redefined, domain, javaModule, current);
                if (result != null) {
                    current = result;
                    if (applied == null) {
                        applied = new ArrayList<>(1);
                    }
                    applied.add(module);
                }
            } catch (Throwable t) {
                if (!report) {
                    return null;
                }
                module.failed(className, redefined != null, t);
            }
        }
        return applied == null ? Result.UNCHANGED : new Result(current, applied);
    }

    /** Prepares the classes of the module of this name in this loader now, rather than on a hint. */
    void prepareModule(ClassLoader loader, String moduleName) {
        for (ModuleTransformer module : modules) {
            if (module.module().name().equals(moduleName)) {
                preparation.hint(loader, List.of(module));
            }
        }
    }

    /** The classes each module names, by internal name, for the preparation. */
    List<String> internalNames(ModuleTransformer module) {
        Set<String> moduleNames = namesByModule.get(modules.indexOf(module));
        List<String> ordered = new ArrayList<>();
        for (String name : module.module().typeNames()) {
            String internal = name.replace('.', '/');
            if (moduleNames.contains(internal)) {
                ordered.add(internal);
            }
        }
        return ordered;
    }

    /**
     * Switches each module some of whose classes the JVM has already loaded (the agent attached to
     * a running JVM) to the transformations it has for that case, and says once per module what
     * it measures then. Called before the gate is registered.
     */
    void libraryLoadedBefore(Class<?>[] loaded) {
        Set<ModuleTransformer> found = new HashSet<>();
        List<Set<String>> givenMembers = new ArrayList<>();
        for (ModuleTransformer module : modules) {
            Set<String> internal = new HashSet<>();
            List<String> typeNames = module.module().typesGivenMembers();
            if (typeNames != null) {
                for (String name : typeNames) {
                    internal.add(name.replace('.', '/'));
                }
            }
            givenMembers.add(internal);
        }
        for (Class<?> type : loaded) {
            String internalName = type.getName().replace('.', '/');
            if (!names.contains(internalName)) {
                continue;
            }
            for (int i = 0; i < modules.size(); i++) {
                if (givenMembers.get(i).contains(internalName) && modules.get(i).sees(type.getClassLoader())
                        && modules.get(i).givesMembersTo(type)) {
                    found.add(modules.get(i));
                }
            }
        }
        for (ModuleTransformer module : modules) {
            if (!found.contains(module)) {
                continue;
            }
            InstrumentationStatus.Mode mode = module.libraryLoadedBefore();
            String name = module.module().name();
            if (mode == InstrumentationStatus.Mode.UNMEASURED) {
                AgentLog.line(name + ": its classes were loaded before the agent started and cannot be changed now, so its "
                        + "requests are not measured; start the JVM with -javaagent to measure them");
            } else if (mode == InstrumentationStatus.Mode.HANDLER_START) {
                AgentLog.line(name + ": its classes were loaded before the agent started, so " + module.module().loadedLimits()
                        + "; start the JVM with -javaagent for the whole measure");
            }
        }
    }

    /**
     * Transforms the classes that some module names and that were loaded before the gate was
     * registered: with {@code premain}, rarely any; when attached to a running JVM, the servers'
     * (through the transformations {@link #libraryLoadedBefore} chose). A class the JVM still
     * refuses runs unmeasured, reported once.
     */
    void retransformLoaded(Instrumentation instrumentation, Class<?>[] loaded) {
        for (Class<?> type : loaded) {
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
}
