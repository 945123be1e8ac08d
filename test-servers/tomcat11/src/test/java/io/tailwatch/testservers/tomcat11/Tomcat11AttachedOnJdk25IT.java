package io.tailwatch.testservers.tomcat11;

import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * As {@link Tomcat11AttachedIT}, on JDK 25 with {@code useVirtualThreads}: every request runs on a
 * virtual thread of its own, and the state the fallback keeps lives with the coyote request, not
 * with a thread.
 */
class Tomcat11AttachedOnJdk25IT extends Tomcat11AttachedIT {
    @Override
    protected String jdkProperty() {
        return "tailwatch.test.jdk25";
    }

    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of("-Dtomcat.virtualThreads=true"), Tomcat11Service.class.getName(), "0", "4");
    }
}
