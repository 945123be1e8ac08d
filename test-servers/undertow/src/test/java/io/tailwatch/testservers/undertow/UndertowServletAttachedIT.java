package io.tailwatch.testservers.undertow;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The agent attached to a running service on Undertow servlet, on JDK 17. */
class UndertowServletAttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), UndertowServletService.class.getName(), "0", "4");
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
