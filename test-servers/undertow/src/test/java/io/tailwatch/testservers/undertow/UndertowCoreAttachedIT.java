package io.tailwatch.testservers.undertow;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The agent attached to a running service on Undertow's core handlers, on JDK 17. */
class UndertowCoreAttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), UndertowCoreService.class.getName(), "0", "4");
    }

    @Override
    protected String instrumentationName() {
        return "undertow";
    }

    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }
}
