package io.tailwatch.agent.instrumentation;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Creates {@link Advice} from the agent's advice classes, reading their class files from the agent
 * jar: Byte Buddy inlines advice from its bytes, and reading them from the jar does not depend on
 * the class loader that loaded the agent serving its classes as resources.
 *
 * <p>Advice classes are described from their bytes through a lazily resolving type pool, never by
 * reflection on the loaded class: reflection would load the library types in the advice's
 * signatures, from the class loader the agent is in, which may not see the library (an
 * application's own loader) or may be in the middle of defining the very class being transformed
 * (a duplicate class definition). The library's types are only compared by name.
 */
public final class AdviceFactory {
    private static volatile ClassFileLocator locator = ClassFileLocator.ForClassLoader.ofSystemLoader();
    private static volatile TypePool advicePool = new TypePool.Default.WithLazyResolution(
            new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.FAST);

    private AdviceFactory() {
    }

    static void use(ClassFileLocator agentClasses) {
        ClassFileLocator compound = new ClassFileLocator.Compound(agentClasses, ClassFileLocator.ForClassLoader.ofSystemLoader());
        advicePool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), compound,
                TypePool.Default.ReaderMode.FAST);
        locator = compound;
    }

    public static Advice to(Class<?> adviceClass) {
        return Advice.to(advicePool.describe(adviceClass.getName()).resolve(), locator);
    }
}
