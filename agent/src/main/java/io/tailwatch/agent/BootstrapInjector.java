package io.tailwatch.agent;

import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.List;

/**
 * Defines classes in the bootstrap class loader with {@code jdk.internal.misc.Unsafe.defineClass},
 * without appending a jar to the bootstrap class path (which would make the JVM print a warning
 * and stop loading the application's classes from its CDS archive).
 *
 * <p>It is loaded by a class loader of its own, and {@code jdk.internal.misc} is opened to that
 * loader's unnamed module alone, so the application gains no access to JDK internals. It must
 * therefore use nothing but {@code java.base}.
 */
public final class BootstrapInjector {
    private BootstrapInjector() {
    }

    /** Defines each class, in the order given (supertypes first). */
    public static void define(List<String> internalNames, List<byte[]> classFiles) throws ReflectiveOperationException {
        Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
        Method define = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        for (int i = 0; i < internalNames.size(); i++) {
            String name = internalNames.get(i).replace('/', '.');
            byte[] bytes = classFiles.get(i);
            define.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
        }
    }
}
