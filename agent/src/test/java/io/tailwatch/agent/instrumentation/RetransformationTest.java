package io.tailwatch.agent.instrumentation;

import io.tailwatch.agent.recording.InstrumentationStatus;
import net.bytebuddy.asm.Advice;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Retransforming a class already loaded (when the agent starts after another agent has used the
 * library, or is attached) must load no other class: a class that loads on the thread while it
 * transforms is left untransformed by the gate. Describing the loaded class by reflection would
 * load the types its methods name: the JDK server's {@code ServerImpl}, retransformed after the
 * OpenTelemetry agent had started its Prometheus exporter on it, loaded {@code HttpConnection} and
 * {@code ServerImpl$Exchange} so, and the server went unmeasured.
 */
class RetransformationTest {
    static final class EnterAdvice {
        @Advice.OnMethodEnter
        static void enter() {
        }
    }

    private static final class Module implements InstrumentationModule {
        @Override
        public String name() {
            return "retransformation-test";
        }

        @Override
        public Class<?> hooksClass() {
            return RetransformationTest.class;
        }

        @Override
        public List<String> typeNames() {
            return List.of(RetransformedFixture.class.getName());
        }

        @Override
        public Transformations extend(Transformations agent) {
            return agent.type(named(RetransformedFixture.class.getName())).transform((builder, type, loader, module, domain) ->
                    builder.visit(Advice.to(EnterAdvice.class).on(named("take"))));
        }
    }

    /** Defines the two classes itself, and records which of them the JVM asked it for. */
    private static final class RecordingLoader extends ClassLoader {
        final Set<String> loaded = ConcurrentHashMap.newKeySet();

        RecordingLoader() {
            super(RetransformationTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(RetransformedFixture.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    loaded.add(name);
                    byte[] bytes = classFile(name);
                    c = defineClass(name, bytes, 0, bytes.length);
                }
                return c;
            }
        }
    }

    private static byte[] classFile(String name) {
        try (InputStream in = RetransformationTest.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void retransformingALoadedClassLoadsNoClassItsMethodsName() throws Exception {
        RecordingLoader loader = new RecordingLoader();
        Class<?> loaded = Class.forName(RetransformedFixture.class.getName(), false, loader);
        assertEquals(Set.of(RetransformedFixture.class.getName()), loader.loaded);

        ModuleTransformer transformer = new ModuleTransformer(new Module(), new InstrumentationStatus(), null);
        byte[] transformed = transformer.apply(loader, RetransformedFixture.class.getName().replace('.', '/'), loaded, null, null,
                classFile(RetransformedFixture.class.getName()));

        assertNotNull(transformed, "the advice applied");
        assertEquals(Set.of(RetransformedFixture.class.getName()), loader.loaded, "classes the retransformation loaded");
    }
}

/** The class retransformed: a method of it names {@link RetransformedFixtureArgument}. Top level, so that no nest ties it to the test. */
final class RetransformedFixture {
    public void take(RetransformedFixtureArgument argument) {
    }
}

final class RetransformedFixtureArgument {
}
