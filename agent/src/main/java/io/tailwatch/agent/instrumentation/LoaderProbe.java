package io.tailwatch.agent.instrumentation;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Whether a class loader can see a library, by one class of it, asked once per loader: a gate for
 * matchers that would otherwise describe many classes of applications that do not use the library.
 * It looks for the class file as a resource, so asking loads none of the library's classes.
 */
public final class LoaderProbe {
    private final String resource;
    private final Map<ClassLoader, Boolean> seen = new WeakHashMap<>();
    /** Set while this thread asks a loader: a class that the lookup itself loads is not the library's. */
    private final ThreadLocal<Boolean> asking = new ThreadLocal<>();

    /** @param className binary name of a class of the library */
    public LoaderProbe(String className) {
        this.resource = className.replace('.', '/') + ".class";
    }

    public boolean sees(ClassLoader loader) {
        Boolean known;
        synchronized (seen) {
            known = seen.get(loader);
        }
        if (known != null) {
            return known;
        }
        if (asking.get() != null) {
            return false;
        }
        // Not under the lock: a loader may take its own locks to look the resource up, and another
        // thread may hold one of them while it waits for this one. Two threads may both ask.
        asking.set(Boolean.TRUE);
        boolean found;
        try {
            found = loader.getResource(resource) != null;
        } catch (Throwable t) {
            found = false;
        } finally {
            asking.remove();
        }
        synchronized (seen) {
            seen.put(loader, found);
        }
        return found;
    }
}
