package io.tailwatch.testservers.jetty12;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.RawHttpClient;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent attached to Jetty 12's core API service once it has served requests, on JDK 17. */
class Jetty12CoreAttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), "io.tailwatch.testservers.jetty12.Jetty12CoreService", "0", "2");
    }

    @Override
    protected String instrumentationName() {
        return "jetty";
    }

    /** Jetty fails the request's callback with what the handler threw and answers 500. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    /** The other Jetty module, which knows classes of the same names, is not switched to its attached mode. */
    @Test
    void onlyThisJettysModuleSaysItsClassesWereLoaded() throws Exception {
        Path jdk = ForkedService.jdk(jdkProperty());
        try (ForkedService service = startWithoutAgent(jdk)) {
            try (RawHttpClient client = new RawHttpClient(service.servicePort())) {
                assertEquals(200, client.get("/hello", false).status);
            }
            ForkedService.Attach attach = ForkedService.attach(jdk, service.pid(), "host=127.0.0.1,port=0");
            assertEquals(0, attach.exit, attach.output);
            assertTrue(attach.output.contains(instrumentationName() + ": its classes were loaded"), attach.output);
            assertFalse(attach.output.contains("jetty9: its classes were loaded"), attach.output);
        }
    }
}
