package io.tailwatch.agent.instrumentation;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    /** The agent jar, or null to read the advice classes through the system class loader (tests). */
    private static volatile File agentJar;
    /** Made with the first advice: the agent's start needs none of Byte Buddy. Guarded by the class. */
    private static ClassFileLocator locator;
    private static TypePool advicePool;
    /** Advice is immutable: each advice class is read once, however many classes it goes into. */
    private static final Map<Class<?>, Advice> ADVICE = new ConcurrentHashMap<>();

    private AdviceFactory() {
    }

    static synchronized void use(File jar) {
        agentJar = jar;
        locator = null;
        advicePool = null;
        ADVICE.clear();
    }

    public static Advice to(Class<?> adviceClass) {
        Advice advice = ADVICE.get(adviceClass);
        if (advice == null) {
            advice = make(adviceClass);
            ADVICE.put(adviceClass, advice);
        }
        return advice;
    }

    private static synchronized Advice make(Class<?> adviceClass) {
        if (advicePool == null) {
            ClassFileLocator systemLoader = ClassFileLocator.ForClassLoader.ofSystemLoader();
            try {
                locator = agentJar == null ? systemLoader
                        : new ClassFileLocator.Compound(ClassFileLocator.ForJarFile.of(agentJar), systemLoader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the agent jar " + agentJar, e);
            }
            advicePool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator,
                    TypePool.Default.ReaderMode.FAST);
        }
        return Advice.to(advicePool.describe(adviceClass.getName()).resolve(), locator);
    }
}
