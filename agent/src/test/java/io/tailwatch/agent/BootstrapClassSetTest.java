package io.tailwatch.agent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classes put in the bootstrap loader, computed from the compiled classes of this module. */
class BootstrapClassSetTest {
    private static final Path CLASSES = Path.of("target/classes");

    private static byte[] bytes(String internalName) {
        Path file = CLASSES.resolve(internalName + ".class");
        try {
            return Files.exists(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> allClasses() {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                String rel = CLASSES.relativize(f).toString();
                names.add(rel.substring(0, rel.length() - ".class".length()));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static boolean isAdvice(String name) {
        return ClassFile.parse(bytes(name)).referencedClasses().stream()
                .anyMatch(n -> n.equals("net/bytebuddy/asm/Advice$OnMethodEnter") || n.equals("net/bytebuddy/asm/Advice$OnMethodExit"));
    }

    @Test
    void everyAgentClassThatAdviceCallsIsInTheBootstrapSet() throws IOException {
        Set<String> bootstrap = BootstrapClassSet.compute(allClasses(), BootstrapClassSetTest::bytes).keySet();
        Set<String> advice = new HashSet<>();
        for (String name : allClasses()) {
            if (isAdvice(name)) {
                advice.add(name);
            }
        }
        assertTrue(advice.size() >= 10, "advice classes found: " + advice);
        Set<String> missing = new TreeSet<>();
        for (String name : advice) {
            for (String reference : ClassFile.parse(bytes(name)).referencedClasses()) {
                boolean agentClass = reference.startsWith("io/tailwatch/");
                boolean holder = name.startsWith(reference + "$");
                if (agentClass && !holder && !advice.contains(reference) && !bootstrap.contains(reference)) {
                    missing.add(reference + " (named by " + name + ")");
                }
            }
        }
        assertEquals(Set.of(), missing, "advice calls classes the bootstrap loader would not have");
    }

    @Test
    void theSetHoldsTheRecordersAndNothingOfTheInstallingSide() {
        Set<String> bootstrap = BootstrapClassSet.compute(allClasses(), BootstrapClassSetTest::bytes).keySet();
        assertTrue(bootstrap.contains("io/tailwatch/agent/recording/Recording"));
        assertTrue(bootstrap.contains("io/tailwatch/agent/instrumentation/jdkhttp/JdkHttpConnection"));
        assertTrue(bootstrap.contains("io/tailwatch/agent/instrumentation/jdkhttp/ConnectionAccess"));
        assertTrue(bootstrap.contains("io/tailwatch/agent/support/AgentThread"));
        for (String name : bootstrap) {
            assertFalse(name.startsWith("io/tailwatch/agent/config/") || name.startsWith("io/tailwatch/agent/export/")
                    || name.endsWith("Instrumentation") || name.contains("Advice") || name.equals("io/tailwatch/agent/AgentBootstrap"), name);
        }
    }

    @Test
    void everyHooksClassIsARootAndTheSetNamesOnlyJdkAndAgentClasses() {
        Set<String> bootstrap = BootstrapClassSet.compute(allClasses(), BootstrapClassSetTest::bytes).keySet();
        for (String name : allClasses()) {
            if (name.startsWith("io/tailwatch/agent/instrumentation/") && name.endsWith("Hooks")) {
                assertTrue(bootstrap.contains(name), name + " is a root");
            }
        }
        Set<String> foreign = new TreeSet<>();
        for (String name : bootstrap) {
            for (String reference : ClassFile.parse(bytes(name)).referencedClasses()) {
                boolean jdk = reference.startsWith("java/") || reference.startsWith("javax/") || reference.startsWith("jdk/")
                        || reference.startsWith("sun/") || reference.startsWith("com/sun/");
                if (!jdk && !reference.startsWith("io/tailwatch/") && !reference.startsWith("org/HdrHistogram/")) {
                    foreign.add(reference + " (named by " + name + ")");
                }
            }
        }
        // The bootstrap loader sees only the JDK: a library's types belong in the inlined advice.
        assertEquals(Set.of(), foreign);
    }

    @Test
    void supertypesComeBeforeTheirSubtypes() {
        List<String> order = new ArrayList<>(BootstrapClassSet.compute(allClasses(), BootstrapClassSetTest::bytes).keySet());
        for (String name : order) {
            for (String superType : ClassFile.parse(bytes(name)).superTypes()) {
                if (order.contains(superType)) {
                    assertTrue(order.indexOf(superType) < order.indexOf(name), superType + " before " + name);
                }
            }
        }
    }

    @Test
    void classFileReaderFindsSupertypesAndDescriptorTypes() {
        ClassFile hooks = ClassFile.parse(bytes("io/tailwatch/agent/instrumentation/jdkhttp/JdkHttpServerHooks"));
        assertEquals(List.of("java/lang/Object"), hooks.superTypes());
        assertTrue(hooks.referencedClasses().contains("io/tailwatch/agent/instrumentation/jdkhttp/JdkHttpConnection"));
        ClassFile connection = ClassFile.parse(bytes("io/tailwatch/agent/recording/RequestSeriesTable"));
        assertTrue(connection.referencedClasses().contains("java/util/concurrent/atomic/AtomicReferenceArray"));
        Map<String, byte[]> none = BootstrapClassSet.compute(List.of("io/tailwatch/agent/instrumentation/x/XHooks"), n -> null);
        assertTrue(none.isEmpty());
    }
}
