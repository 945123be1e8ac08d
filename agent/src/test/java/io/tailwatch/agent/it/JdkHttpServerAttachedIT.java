package io.tailwatch.agent.it;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The JDK's HTTP server attached to after it served requests, on JDK 17; a subclass runs JDK 25. */
class JdkHttpServerAttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), "io.tailwatch.testservices.JdkHttpService", "0", "2");
    }

    @Override
    protected String instrumentationName() {
        return "jdk-httpserver";
    }

    @Override
    protected int statusWhenHandlerThrows() {
        return -1;
    }
}
