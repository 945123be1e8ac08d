package io.tailwatch.agent.instrumentation;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

/**
 * Type pools for the classes being transformed. Transforming a class describes its supertypes (and
 * Advice the types it names), and the JDK's classes that the agent transforms share most of them
 * ({@code java.lang.Object}, the streams, the channel hierarchy): for the bootstrap and platform
 * loaders, which live as long as the JVM, what the pools read of other classes is kept. For other
 * loaders it is not: a description keeps its pool and with it the loader, which would then never
 * be collected. Each pool describes the class being transformed from the class file at hand, never
 * from the kept descriptions.
 */
final class TypePools {
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
    private static final TypePool.CacheProvider BOOTSTRAP = new TypePool.CacheProvider.Simple();
    private static final TypePool.CacheProvider PLATFORM_CACHE = new TypePool.CacheProvider.Simple();

    private TypePools() {
    }

    static TypePool forClass(ClassLoader loader, String name, ClassFileLocator locator) {
        TypePool.CacheProvider cache = loader == null ? BOOTSTRAP : loader == PLATFORM ? PLATFORM_CACHE : null;
        TypePool.CacheProvider provider = cache == null ? new TypePool.CacheProvider.Simple()
                : new TypePool.CacheProvider.Discriminating(ElementMatchers.is(name), new TypePool.CacheProvider.Simple(), cache);
        return new WithDefinedClasses(provider, locator, loader);
    }

    /**
     * A pool that describes a type it finds no class file of from the class itself, if the loader
     * has it: another agent defines classes that have none, such as the marker interfaces the
     * OpenTelemetry agent adds to the classes it transforms (a class both agents transform reaches
     * tailwatch implementing them when OpenTelemetry comes first). A type without a class file is
     * not one the JVM could load from a file, so asking the loader for it loads nothing that would
     * otherwise have been transformed.
     */
    private static final class WithDefinedClasses extends TypePool.Default.WithLazyResolution {
        private final ClassLoader loader;

        WithDefinedClasses(TypePool.CacheProvider cache, ClassFileLocator locator, ClassLoader loader) {
            super(cache, locator, TypePool.Default.ReaderMode.FAST);
            this.loader = loader;
        }

        @Override
        protected Resolution doResolve(String name) {
            Resolution resolution = super.doResolve(name);
            if (resolution.isResolved() || name.startsWith("[")) {
                return resolution;
            }
            try {
                return new Resolution.Simple(TypeDescription.ForLoadedType.of(Class.forName(name, false, loader)));
            } catch (Throwable notDefined) {
                return resolution;
            }
        }
    }
}
