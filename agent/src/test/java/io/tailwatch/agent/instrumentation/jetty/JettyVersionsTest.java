package io.tailwatch.agent.instrumentation.jetty;

import io.tailwatch.agent.instrumentation.jetty9.Jetty9Instrumentation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty 9.4 and 12 share class names ({@code ManagedSelector$Accept}): a Jetty 12 class loaded
 * before the agent switches only the Jetty 12 module to its attached mode, not Jetty 9.4's.
 */
class JettyVersionsTest {
    @Test
    void aJetty12ClassIsJetty12sAlone() throws Exception {
        Class<?> accept = Class.forName("org.eclipse.jetty.io.ManagedSelector$Accept", false, getClass().getClassLoader());
        assertTrue(JettyInstrumentation.classFileMajorVersion(accept) >= 61);
        assertTrue(new JettyInstrumentation().givesMembersTo(accept));
        assertFalse(new Jetty9Instrumentation().givesMembersTo(accept));
    }

    @Test
    void aClassWhoseFileCannotBeReadIsTakenAsTheModulesOwn() {
        Class<?> generated = new Object() {
        }.getClass();
        assertEquals(-1, JettyInstrumentation.classFileMajorVersion(int.class));
        assertTrue(new Jetty9Instrumentation().givesMembersTo(int.class));
        assertTrue(JettyInstrumentation.classFileMajorVersion(generated) > 0);
    }
}
