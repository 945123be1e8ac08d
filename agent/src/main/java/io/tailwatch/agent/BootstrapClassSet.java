package io.tailwatch.agent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The agent classes that must live in the bootstrap class loader: advice is inlined into JDK classes
 * (the HTTP server, the accept path), which resolve names through the bootstrap loader only. They
 * are the hooks the advice calls and everything those reach (the recorders, HdrHistogram), found by
 * following class references from the roots through the agent jar. The rest of the agent (Byte
 * Buddy, the exporter, configuration) stays in the system class loader.
 *
 * <p>The roots are, by convention, every class named {@code *Hooks} directly in a package under
 * {@code io.tailwatch.agent.instrumentation}: each instrumented library has one, and a new library
 * needs no change here. Advice inlined into a library's classes may use that library's types; the
 * classes of this set may not (the bootstrap loader cannot see them), and a test enforces it.
 */
final class BootstrapClassSet {
    private static final Pattern ROOT = Pattern.compile("io/tailwatch/agent/instrumentation/[a-z0-9]+/[A-Za-z0-9]+Hooks");

    /** Never in the bootstrap set: the libraries only the system-loader half of the agent uses. */
    private static final List<String> EXCLUDED = List.of(
            "io/tailwatch/shaded/bytebuddy/", "io/tailwatch/shaded/prometheus/");

    private BootstrapClassSet() {
    }

    /** Whether a class (internal name) is one the advice calls: a root of the set. */
    static boolean isRoot(String internalName) {
        return ROOT.matcher(internalName).matches();
    }

    /**
     * @param classNames every class in the agent jar, by internal name
     * @param classBytes class file bytes by internal name, null for classes not in the agent jar
     * @return the set's class files in an order in which they can be defined: supertypes first
     */
    static Map<String, byte[]> compute(Collection<String> classNames, Function<String, byte[]> classBytes) {
        Map<String, byte[]> found = new LinkedHashMap<>();
        Deque<String> pending = new ArrayDeque<>();
        for (String name : classNames) {
            if (isRoot(name)) {
                pending.add(name);
            }
        }
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (found.containsKey(name) || !name.startsWith("io/tailwatch/") || excluded(name)) {
                continue;
            }
            byte[] bytes = classBytes.apply(name);
            if (bytes == null) {
                continue;
            }
            found.put(name, bytes);
            for (String reference : ClassFile.parse(bytes).referencedClasses()) {
                if (excluded(reference)) {
                    throw new IllegalStateException(name.replace('/', '.') + " is needed by advice but uses "
                            + reference.replace('/', '.') + ", which must stay out of the bootstrap loader");
                }
                pending.push(reference);
            }
        }
        return definitionOrder(found);
    }

    private static boolean excluded(String name) {
        for (String prefix : EXCLUDED) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, byte[]> definitionOrder(Map<String, byte[]> classes) {
        Map<String, byte[]> ordered = new LinkedHashMap<>();
        for (String name : classes.keySet()) {
            addSupertypesFirst(name, classes, ordered, new ArrayList<>());
        }
        return ordered;
    }

    private static void addSupertypesFirst(String name, Map<String, byte[]> classes, Map<String, byte[]> ordered,
                                           List<String> path) {
        if (ordered.containsKey(name) || !classes.containsKey(name) || path.contains(name)) {
            return;
        }
        path.add(name);
        for (String superType : ClassFile.parse(classes.get(name)).superTypes()) {
            addSupertypesFirst(superType, classes, ordered, path);
        }
        ordered.put(name, classes.get(name));
    }

}
