package io.tailwatch.agent.instrumentation;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * Creates {@link Advice} from the agent's advice classes, reading their class files from the agent
 * jar: Byte Buddy reads advice bytes rather than loaded classes, and the bootstrap class loader
 * that defined them does not serve them as resources.
 */
public final class AdviceFactory {
    private static volatile ClassFileLocator locator = ClassFileLocator.ForClassLoader.ofSystemLoader();

    private AdviceFactory() {
    }

    static void use(ClassFileLocator agentClasses) {
        locator = new ClassFileLocator.Compound(agentClasses, ClassFileLocator.ForClassLoader.ofSystemLoader());
    }

    public static Advice to(Class<?> adviceClass) {
        return Advice.to(adviceClass, locator);
    }
}
