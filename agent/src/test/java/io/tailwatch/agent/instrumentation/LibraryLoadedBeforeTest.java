package io.tailwatch.agent.instrumentation;

import io.tailwatch.agent.recording.InstrumentationStatus;
import io.tailwatch.agent.recording.InstrumentationStatus.Mode;
import io.tailwatch.agent.support.AgentLog;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attached to a running JVM, each module whose classes are already loaded switches to what it can
 * do without adding members, or off, and says so once; the others are untouched.
 */
class LibraryLoadedBeforeTest {
    static final class LoadedA {
    }

    static final class LoadedB {
    }

    static final class LoadedC {
    }

    private static InstrumentationModule module(String name, Class<?> named, boolean measuresLoaded, String limits) {
        return module(name, named, measuresLoaded, limits, true);
    }

    private static InstrumentationModule module(String name, Class<?> named, boolean measuresLoaded, String limits, boolean itsClass) {
        return new InstrumentationModule() {
            @Override
            public boolean givesMembersTo(Class<?> loaded) {
                return itsClass;
            }


            @Override
            public String name() {
                return name;
            }

            @Override
            public Class<?> hooksClass() {
                return LibraryLoadedBeforeTest.class;
            }

            @Override
            public Transformations extend(Transformations agent) {
                return agent;
            }

            @Override
            public Transformations extendLoaded(Transformations agent) {
                return measuresLoaded ? agent : null;
            }

            @Override
            public String loadedLimits() {
                return limits;
            }

            @Override
            public List<String> typeNames() {
                return List.of(named == null ? "no.such.Clazz" : named.getName());
            }
        };
    }

    @Test
    void eachModuleWithLoadedClassesSaysOnceWhatItMeasures() {
        InstrumentationStatus status = new InstrumentationStatus();
        ModuleGate gate = new ModuleGate();
        List<InstrumentationModule> modules = List.of(
                module("needs-fields", LoadedA.class, false, null),
                module("handler-clock", LoadedB.class, true, "its clock starts at the handler"),
                module("advice-only", LoadedC.class, true, null),
                module("not-loaded", null, false, null));
        for (InstrumentationModule m : modules) {
            gate.add(new ModuleTransformer(m, status, null));
            status.installed(m.name());
        }
        int mark = AgentLog.mark();
        gate.libraryLoadedBefore(new Class<?>[]{String.class, LoadedA.class, LoadedB.class, LoadedC.class, LoadedA.class});

        assertEquals(Map.of("needs-fields", Mode.UNMEASURED, "handler-clock", Mode.HANDLER_START, "advice-only", Mode.FULL,
                "not-loaded", Mode.FULL), status.modes());
        List<String> lines = AgentLog.linesSince(mark);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("tailwatch: needs-fields: its classes were loaded before the agent started and cannot"
                + " be changed now, so its requests are not measured"), lines.get(0));
        assertTrue(lines.get(1).startsWith("tailwatch: handler-clock: its classes were loaded before the agent started, so its"
                + " clock starts at the handler"), lines.get(1));
    }

    /** Jetty 9.4 and 12 share class names: the one loaded switches only the module of its own version. */
    @Test
    void aLoadedClassOfAnotherLibraryOfTheSameNameSwitchesNothing() {
        InstrumentationStatus status = new InstrumentationStatus();
        ModuleGate gate = new ModuleGate();
        List<InstrumentationModule> modules = List.of(
                module("this-version", LoadedA.class, true, "its clock starts at the handler"),
                module("other-version", LoadedA.class, true, "its clock starts at the handler", false));
        for (InstrumentationModule m : modules) {
            gate.add(new ModuleTransformer(m, status, null));
            status.installed(m.name());
        }
        int mark = AgentLog.mark();
        gate.libraryLoadedBefore(new Class<?>[]{LoadedA.class});

        assertEquals(Map.of("this-version", Mode.HANDLER_START, "other-version", Mode.FULL), status.modes());
        List<String> lines = AgentLog.linesSince(mark);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("tailwatch: this-version: "), lines.get(0));
    }

    @Test
    void aModuleOffInThisJvmTransformsNothing() throws Exception {
        InstrumentationStatus status = new InstrumentationStatus();
        ModuleTransformer off = new ModuleTransformer(module("needs-fields", LoadedA.class, false, null), status, null);
        assertEquals(Mode.UNMEASURED, off.libraryLoadedBefore());
        byte[] classFile;
        try (var in = LoadedA.class.getResourceAsStream("LibraryLoadedBeforeTest$LoadedA.class")) {
            classFile = in.readAllBytes();
        }
        assertEquals(null, off.apply(LoadedA.class.getClassLoader(), LoadedA.class.getName().replace('.', '/'), null, null, null,
                classFile));
    }
}
