package io.tailwatch.agent.instrumentation;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * Creates {@link Advice} from the agent's advice classes, reading their class files from the agent
 * jar: Byte Buddy inlines advice from its bytes, and reading them from the jar does not depend on
 * the class loader that loaded the agent serving its classes as resources.
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
