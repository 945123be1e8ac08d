package io.tailwatch.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

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
 *
 * <p>The build computes the set from the finished agent jar and writes it into the jar ({@link #LIST}):
 * at start the agent then reads just those classes, rather than every class file of the jar and
 * their constant pools, which cost tens of milliseconds of the application's start.
 */
final class BootstrapClassSet {
    /** The set's internal names in definition order, one a line, as the build wrote them into the agent jar. */
    static final String LIST = "META-INF/tailwatch/bootstrap-classes";


    /** Never in the bootstrap set: the libraries only the system-loader half of the agent uses. */
    private static final List<String> EXCLUDED = List.of(
            "io/tailwatch/shaded/bytebuddy/", "io/tailwatch/shaded/prometheus/");

    private BootstrapClassSet() {
    }

    /** Whether a class (internal name) is one the advice calls: a root of the set. */
    static boolean isRoot(String internalName) {
        return Roots.ROOT.matcher(internalName).matches();
    }

    /** Compiled only where the set is computed, not where the agent reads the build's list. */
    private static final class Roots {
        static final Pattern ROOT = Pattern.compile("io/tailwatch/agent/instrumentation/[a-z0-9]+/[A-Za-z0-9]+Hooks");
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

    /**
     * The set, from the list in the agent jar; computed from the jar's classes when there is no
     * list (a jar not built by this project's build).
     */
    static Map<String, byte[]> of(JarFile jar) throws IOException {
        ZipEntry list = jar.getEntry(LIST);
        if (list == null) {
            List<String> names = new ArrayList<>();
            Enumeration<? extends ZipEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".class")) {
                    names.add(name.substring(0, name.length() - ".class".length()));
                }
            }
            return compute(names, name -> read(jar, name + ".class"));
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (String name : new String(read(jar, LIST), StandardCharsets.UTF_8).split("\n")) {
            if (!name.isEmpty()) {
                byte[] bytes = read(jar, name + ".class");
                if (bytes == null) {
                    throw new IllegalStateException(LIST + " names " + name + ", which the agent jar does not hold");
                }
                classes.put(name, bytes);
            }
        }
        return classes;
    }

    private static byte[] read(JarFile jar, String entry) {
        ZipEntry e = jar.getEntry(entry);
        if (e == null) {
            return null;
        }
        try (InputStream in = jar.getInputStream(e)) {
            return in.readAllBytes();
        } catch (IOException ex) {
            throw new IllegalStateException("cannot read " + entry + " from the agent jar", ex);
        }
    }

    /**
     * Run by the build on the shaded agent jar: computes the set and writes {@link #LIST} into it.
     *
     * @param args the agent jar's path
     */
    public static void main(String[] args) throws IOException {
        Path jarPath = Path.of(args[0]);
        Map<String, byte[]> set;
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            // Computed, never read back: a list left from an earlier build must not decide.
            List<String> names = new ArrayList<>();
            jar.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class"))
                    .forEach(n -> names.add(n.substring(0, n.length() - ".class".length())));
            set = compute(names, name -> read(jar, name + ".class"));
        }
        if (set.isEmpty()) {
            throw new IllegalStateException("no bootstrap classes found in " + jarPath);
        }
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jarPath.toUri()), Map.of())) {
            Path list = zip.getPath(LIST);
            Files.createDirectories(list.getParent());
            Files.writeString(list, String.join("\n", set.keySet()) + "\n", StandardCharsets.UTF_8);
        }
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
