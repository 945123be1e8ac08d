package io.tailwatch.agent.it;

import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.RawHttpClient;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar tailwatch-agent.jar attach <pid>} where it cannot attach: a JVM that refuses
 * agents at run time, and a process that is no JVM, cost the command one line and the application
 * nothing. Attaching to running servers is {@code AbstractAttachedServerIT}'s, run by each server
 * ({@link JdkHttpServerAttachedIT} for the JDK's).
 */
class DynamicAttachIT {
    private static final String SERVICE = "io.tailwatch.testservices.JdkHttpService";

    @Test
    void aJvmThatRefusesAgentsAtRunTimeCostsOneLineAndServesOn() throws Exception {
        Path jdk = ForkedService.jdk("tailwatch.test.jdk25");
        try (ForkedService service = ForkedService.withoutAgent(jdk, List.of("-XX:-EnableDynamicAgentLoading"), SERVICE, "0", "2")) {
            int port = service.servicePort();
            ForkedService.Attach attach = ForkedService.attach(jdk, service.pid(), "port=0");
            assertEquals(1, attach.exit, attach.output);
            assertEquals(1, attach.output.lines().count(), attach.output);
            assertTrue(attach.output.startsWith("tailwatch: JVM " + service.pid() + " did not load the agent: "), attach.output);
            assertTrue(attach.output.contains("that JVM refuses agents loaded at run time: start it with -javaagent"), attach.output);
            try (RawHttpClient client = new RawHttpClient(port)) {
                assertEquals(200, client.get("/hello", false).status);
            }
            assertEquals(List.of(), service.stderr());
        }
    }

    @Test
    void aProcessThatIsNoJvmCostsOneLine() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            ForkedService.Attach attach = ForkedService.attach(ForkedService.jdk("tailwatch.test.jdk17"), sleeper.pid(), "");
            assertEquals(1, attach.exit, attach.output);
            assertEquals(1, attach.output.lines().count(), attach.output);
            assertTrue(attach.output.startsWith("tailwatch: cannot attach to JVM " + sleeper.pid()), attach.output);
        } finally {
            sleeper.destroy();
        }
    }
}
