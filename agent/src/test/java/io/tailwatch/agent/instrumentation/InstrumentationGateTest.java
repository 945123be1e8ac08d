package io.tailwatch.agent.instrumentation;

import io.tailwatch.agent.recording.InstrumentationStatus;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate in front of the modules ({@link ModuleGate}) must let through every class a module's
 * matchers match: each module's matchers run here over every class of the JDK and of the libraries
 * on the test class path (the servers the advice is compiled against), and each class they match
 * must be one the module names in {@link InstrumentationModule#typeNames} or lets through with
 * {@link InstrumentationModule#mayMatchOther}.
 */
class InstrumentationGateTest {
    /** Class files, by internal name, with the loader that would define them (null: the JDK). */
    private record ClassFileSource(String internalName, ClassLoader loader, byte[] bytes) {
    }

    @Test
    void everyClassAModuleMatchesPassesItsGate() throws Exception {
        List<ModuleTransformer> modules = new ArrayList<>();
        for (InstrumentationModule module : Instrumentations.all()) {
            assertTrue(module.typeNames() != null && !module.typeNames().isEmpty(), module.name() + " names its classes");
            modules.add(new ModuleTransformer(module, new InstrumentationStatus(), null));
        }
        Map<String, Set<String>> escaped = new TreeMap<>();
        Map<String, Set<String>> matched = new TreeMap<>();
        Map<String, Set<String>> undeclaredMembers = new TreeMap<>();
        int[] seen = new int[2];
        Consumer<ClassFileSource> check = c -> {
            seen[c.loader == null ? 0 : 1]++;
            for (ModuleTransformer transformer : modules) {
                InstrumentationModule module = transformer.module();
                boolean matches;
                boolean resolved = true;
                try {
                    matches = transformer.sees(c.loader) && transformer.matches(c.loader, c.internalName, c.bytes);
                } catch (RuntimeException e) {
                    // A matcher that needs more than the name (a supertype) and cannot resolve it.
                    matches = true;
                    resolved = false;
                }
                if (matches) {
                    String binary = c.internalName.replace('/', '.');
                    matched.computeIfAbsent(module.name(), m -> new TreeSet<>()).add(binary);
                    if (!module.typeNames().contains(binary) && !module.mayMatchOther(c.internalName, c.loader)) {
                        escaped.computeIfAbsent(module.name(), m -> new TreeSet<>()).add(binary);
                    }
                    if (resolved && !module.typesGivenMembers().contains(binary) && givesMembers(transformer, c)) {
                        undeclaredMembers.computeIfAbsent(module.name(), m -> new TreeSet<>()).add(binary);
                    }
                }
            }
        };
        jdkClasses(check);
        libraryClasses(check);
        jetty94Classes(check);
        assertTrue(seen[0] > 5_000 && seen[1] > 10_000, seen[0] + " JDK and " + seen[1] + " library classes");
        assertEquals(Map.of(), escaped, "classes matched but not let through the gate");
        assertEquals(Map.of(), undeclaredMembers, "classes given members but not in typesGivenMembers(): loaded before the agent,"
                + " the JVM would refuse to retransform them");
        // The run above must have seen the libraries: each module matched some of its classes.
        for (InstrumentationModule module : Instrumentations.all()) {
            assertFalse(matched.getOrDefault(module.name(), Set.of()).isEmpty(), module.name() + " matched nothing: " + matched);
        }
    }

    /** Whether the module's transformation adds a field, method or interface to the class. */
    private static boolean givesMembers(ModuleTransformer transformer, ClassFileSource c) {
        // The JDK's classes as the platform loader sees them: jdk.httpserver is its, java.base it reaches.
        ClassLoader loader = c.loader == null ? ClassLoader.getPlatformClassLoader() : c.loader;
        byte[] transformed;
        try {
            transformed = transformer.apply(loader, c.internalName, null, null, null, c.bytes);
        } catch (RuntimeException | LinkageError e) {
            // A class whose library the test class path lacks parts of (Kotlin, AspectJ): the JVM
            // would not load it either.
            return false;
        }
        return transformed != null && !shape(c.internalName, loader, c.bytes).equals(shape(c.internalName, loader, transformed));
    }

    /** A class's fields, methods and interfaces, as names and descriptors. */
    private static Set<String> shape(String internalName, ClassLoader loader, byte[] classFile) {
        String name = internalName.replace('/', '.');
        net.bytebuddy.description.type.TypeDescription type = net.bytebuddy.pool.TypePool.Default
                .of(new net.bytebuddy.dynamic.ClassFileLocator.Compound(net.bytebuddy.dynamic.ClassFileLocator.Simple.of(name, classFile),
                        net.bytebuddy.dynamic.ClassFileLocator.ForClassLoader.of(loader),
                        net.bytebuddy.dynamic.ClassFileLocator.ForClassLoader.ofSystemLoader()))
                .describe(name).resolve();
        Set<String> shape = new TreeSet<>();
        type.getDeclaredFields().forEach(f -> shape.add("field " + f.getName() + " " + f.getDescriptor()));
        type.getDeclaredMethods().forEach(m -> shape.add("method " + m.getInternalName() + m.getDescriptor()));
        type.getInterfaces().asErasures().forEach(i -> shape.add("interface " + i.getName()));
        return shape;
    }

    @Test
    void theGateLetsThroughOnlyTheClassesModulesName() {
        ModuleGate gate = new ModuleGate();
        for (InstrumentationModule module : Instrumentations.all()) {
            gate.add(new ModuleTransformer(module, new InstrumentationStatus(), null));
        }
        ClassLoader app = getClass().getClassLoader();
        // An empty class file: a module that were handed it would fail, and say so.
        assertNull(gate.transform(null, null, "java/util/ArrayList", null, null, new byte[0]));
        assertNull(gate.transform(null, app, "org/junit/jupiter/api/Test", null, null, new byte[0]));
        assertNull(gate.transform(null, app, null, null, null, new byte[0]));
        assertFalse(gate.accepts("java/util/ArrayList", null));
        assertFalse(gate.accepts("io/tailwatch/agent/SomeHandler", app));
        assertTrue(gate.accepts("sun/net/httpserver/ServerImpl", null));
        assertTrue(gate.accepts("io/netty/channel/AbstractChannel", app));
        // Spring WebFlux's exception handlers: by name, only where WebFlux is.
        assertTrue(gate.accepts("com/example/MyErrorHandler", app));
        assertFalse(gate.accepts("com/example/MyErrorHandler", new ClassLoader(null) {
        }));
        assertFalse(gate.accepts("io/netty/channel/ChannelInboundHandler", app));
    }

    private static void jdkClasses(Consumer<ClassFileSource> out) throws IOException {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        try (Stream<Path> files = Files.walk(jrt.getPath("/modules"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.toString();
                if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
                    // /modules/<module>/<internal name>.class
                    String internal = name.substring(name.indexOf('/', "/modules/".length()) + 1, name.length() - ".class".length());
                    out.accept(new ClassFileSource(internal, null, Files.readAllBytes(file)));
                }
            }
        }
    }

    /** Every class of every jar on the test class path, with this test's loader, which sees them all. */
    private void libraryClasses(Consumer<ClassFileSource> out) throws IOException {
        ClassLoader loader = getClass().getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                jarClasses(entry, loader, out);
            }
        }
    }

    /**
     * Jetty 9.4's server and I/O classes (copied by the build: Jetty 12's classes of the same names
     * are on the test class path), with a loader of their own.
     */
    private static void jetty94Classes(Consumer<ClassFileSource> out) throws IOException {
        File[] jars = new File(System.getProperty("tailwatch.gate.jetty94", "target/gate-libs/jetty94")).listFiles();
        assertTrue(jars != null && jars.length > 0, "the build copies Jetty 9.4's jars for this test");
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            urls[i] = jars[i].toURI().toURL();
        }
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            for (File jar : jars) {
                jarClasses(jar.getPath(), loader, out);
            }
        }
    }

    private static void jarClasses(String path, ClassLoader loader, Consumer<ClassFileSource> out) throws IOException {
        try (JarFile jar = new JarFile(path)) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                String name = e.getName();
                if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")) {
                    try (InputStream in = jar.getInputStream(e)) {
                        out.accept(new ClassFileSource(name.substring(0, name.length() - ".class".length()), loader, in.readAllBytes()));
                    }
                }
            }
        }
    }
}
