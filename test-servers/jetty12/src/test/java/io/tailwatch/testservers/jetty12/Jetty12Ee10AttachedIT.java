package io.tailwatch.testservers.jetty12;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The agent attached to Jetty 12's ee10 servlet service once it has served requests, on JDK 25: a
 * servlet's exception is answered by the servlet layer, not through the core callback's failure,
 * and an async servlet completes on another thread.
 */
class Jetty12Ee10AttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), "io.tailwatch.testservers.jetty12.Jetty12Ee10Service", "0", "2");
    }

    @Override
    protected String instrumentationName() {
        return "jetty";
    }

    /** The servlet layer answers a servlet's exception with its error page, 500. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    @Override
    protected String jdkProperty() {
        return "tailwatch.test.jdk25";
    }
}
