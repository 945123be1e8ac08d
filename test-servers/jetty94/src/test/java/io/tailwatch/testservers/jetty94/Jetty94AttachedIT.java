package io.tailwatch.testservers.jetty94;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The agent attached to the Jetty 9.4 servlet service once it has served requests, on JDK 17. */
class Jetty94AttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), Jetty94Service.class.getName(), "0", "2");
    }

    @Override
    protected String instrumentationName() {
        return "jetty9";
    }

    /** Jetty answers a servlet's exception with its error page, 500. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }
}
