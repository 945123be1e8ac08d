package io.tailwatch.agent.instrumentation;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.InstrumentationStatus;
import io.tailwatch.agent.support.AgentLog;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/**
 * Applies one module's {@link Transformations} to a class, as Byte Buddy's {@code AgentBuilder}
 * would with a redefining type strategy, no initialization strategy and a pool-only description
 * strategy: the class described from its class file (also when it is being retransformed), each
 * matching transformation applied to one redefining builder.
 */
final class ModuleTransformer {
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private final InstrumentationModule module;
    /** Built when first needed: most modules never are, and building them costs the start. */
    private volatile Transformations transformations;
    /** Whether the module transforms nothing in this JVM (see {@link #libraryLoadedBefore}). */
    private volatile boolean off;
    private final InstrumentationStatus status;
    private final Instrumentation instrumentation;
    /** The module of the hooks, which a transformed class in a named module (the JDK's) must read. */
    private final Module hooks;

    ModuleTransformer(InstrumentationModule module, InstrumentationStatus status, Instrumentation instrumentation) {
        this.module = module;
        this.status = status;
        this.instrumentation = instrumentation;
        this.hooks = module.hooksClass().getModule();
    }

    InstrumentationModule module() {
        return module;
    }

    /**
     * Whether the module looks at classes of this loader at all: a module that transforms no JDK
     * class never sees one, so that matching it cannot resolve (load) another JDK class while the
     * JVM loads this one.
     */
    boolean sees(ClassLoader loader) {
        return module.transformsJdkClasses() || (loader != null && loader != PLATFORM);
    }

    /** {@link InstrumentationModule#givesMembersTo}; false if it fails. */
    boolean givesMembersTo(Class<?> loaded) {
        try {
            return module.givesMembersTo(loaded);
        } catch (RuntimeException | LinkageError e) {
            AgentErrors.record(module.name(), e);
            return false;
        }
    }

    /**
     * Some class the module names was loaded before the agent (attached to a running JVM): from
     * now on the module applies its {@link InstrumentationModule#extendLoaded} transformations, to
     * every class, or none at all. Called before the gate is registered.
     *
     * @return how the module measures from now on
     */
    InstrumentationStatus.Mode libraryLoadedBefore() {
        Transformations loaded = null;
        try {
            loaded = module.extendLoaded(new Transformations());
        } catch (RuntimeException | LinkageError e) {
            AgentErrors.record(module.name(), e);
        }
        InstrumentationStatus.Mode mode;
        if (loaded == null) {
            off = true;
            mode = InstrumentationStatus.Mode.UNMEASURED;
        } else {
            transformations = loaded;
            mode = module.loadedLimits() == null ? InstrumentationStatus.Mode.FULL : InstrumentationStatus.Mode.HANDLER_START;
        }
        status.mode(module.name(), mode);
        return mode;
    }

    /**
     * The transformation alone, without its effects on the JVM ({@link #applied}); so that it can
     * be done before the class loads.
     *
     * @param javaModule the class's module, null when not known yet
     * @return the transformed class file, or null if no matcher matched
     */
    byte[] apply(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain, Module javaModule,
                 byte[] classFile) {
        if (off) {
            return null;
        }
        String name = internalName.replace('/', '.');
        ClassFileLocator locator = locator(name, classFile, loader);
        TypePool pool = TypePools.forClass(loader, name, locator);
        // Also a class being retransformed is described from its class file, not by reflection on
        // it: reflection loads the types its members name, on this thread, where the gate leaves
        // them as they are (the JDK server's HttpConnection, loaded so while ServerImpl was
        // retransformed, went unmeasured).
        TypeDescription type = pool.describe(name).resolve();
        Transformations transformations = transformations();
        DynamicType.Builder<?> builder = null;
        for (int i = 0; i < transformations.matchers.size(); i++) {
            if (transformations.matchers.get(i).matches(type)) {
                if (builder == null) {
                    builder = Redefinition.BYTE_BUDDY.redefine(type, locator);
                }
                builder = transformations.transformers.get(i).transform(builder, type, loader,
                        javaModule == null ? null : JavaModule.of(javaModule), domain);
            }
        }
        return builder == null ? null : builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
    }

    /** Once the JVM takes the transformed class: it may call the hooks, and the module has applied. */
    void applied(Module javaModule) {
        if (javaModule != null && javaModule.isNamed() && !javaModule.canRead(hooks)) {
            instrumentation.redefineModule(javaModule, Set.of(hooks), Map.of(), Map.of(), Set.of(), Map.of());
        }
        status.applied(module.name());
    }

    /** A class this module could not transform loads as it was: said once per class. */
    void failed(String internalName, boolean loaded, Throwable t) {
        String name = internalName.replace('/', '.');
        AgentLog.once("transform:" + name, "instrumentation " + module.name() + " could not transform " + name
                + (loaded ? " (already loaded)" : "") + ": " + AgentLog.describe(t) + "; that class runs unmeasured");
    }

    /** Whether some matcher of the module matches the class (for tests: no transformation). */
    boolean matches(ClassLoader loader, String internalName, byte[] classFile) {
        String name = internalName.replace('/', '.');
        TypeDescription type = TypePools.forClass(loader, name, locator(name, classFile, loader)).describe(name).resolve();
        Transformations transformations = transformations();
        for (int i = 0; i < transformations.matchers.size(); i++) {
            if (transformations.matchers.get(i).matches(type)) {
                return true;
            }
        }
        return false;
    }

    private Transformations transformations() {
        Transformations built = transformations;
        if (built == null) {
            synchronized (this) {
                built = transformations;
                if (built == null) {
                    try {
                        built = module.extend(new Transformations());
                    } catch (RuntimeException | LinkageError e) {
                        AgentLog.once("module-off:" + module.name(), "instrumentation " + module.name() + " is off: "
                                + AgentLog.describe(e));
                        built = new Transformations();
                    }
                    transformations = built;
                }
            }
        }
        return built;
    }

    /** Byte Buddy's configuration, made with the first transformation. */
    private static final class Redefinition {
        static final ByteBuddy BYTE_BUDDY = new ByteBuddy().with(TypeValidation.DISABLED);
    }

    private static ClassFileLocator locator(String name, byte[] classFile, ClassLoader loader) {
        return new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile), ClassFileLocator.ForClassLoader.of(loader));
    }
}
