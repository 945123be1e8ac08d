package io.tailwatch.agent.instrumentation;

import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Type pools for the classes being transformed, sharing what they read of other classes per class
 * loader: transforming a class describes its supertypes (and Advice the types it names), and the
 * transformed classes of a server share most of them ({@code java.lang.Object}, its streams, its
 * channel hierarchy). Each pool describes the class being transformed from the class file at hand,
 * never from the shared cache.
 */
final class TypePools {
    private static final TypePool.CacheProvider BOOTSTRAP = new TypePool.CacheProvider.Simple();
    private static final Map<ClassLoader, TypePool.CacheProvider> BY_LOADER = new WeakHashMap<>();

    private TypePools() {
    }

    static TypePool forClass(ClassLoader loader, String name, ClassFileLocator locator) {
        TypePool.CacheProvider others = shared(loader);
        return new TypePool.Default.WithLazyResolution(
                new TypePool.CacheProvider.Discriminating(ElementMatchers.is(name), new TypePool.CacheProvider.Simple(), others),
                locator, TypePool.Default.ReaderMode.FAST);
    }

    private static TypePool.CacheProvider shared(ClassLoader loader) {
        if (loader == null) {
            return BOOTSTRAP;
        }
        synchronized (BY_LOADER) {
            return BY_LOADER.computeIfAbsent(loader, l -> new TypePool.CacheProvider.Simple());
        }
    }
}
