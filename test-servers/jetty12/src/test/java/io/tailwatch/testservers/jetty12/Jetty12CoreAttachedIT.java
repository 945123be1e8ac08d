package io.tailwatch.testservers.jetty12;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
}
