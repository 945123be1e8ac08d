package io.tailwatch.testservers.undertow;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.List;

/**
 * Undertow's core handlers, on JDK 25. JBoss Threads 3.7 (XNIO's worker pool) calls
 * {@code sun.misc.Unsafe}, for which JDK 24+ prints a warning on standard error; the service is
 * started as such an application is on JDK 25, with that access allowed. The agent adds no flag.
 */
class UndertowCoreOnJdk25IT extends AbstractHttpServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.start(ForkedService.jdk("tailwatch.test.jdk25"), List.of("--sun-misc-unsafe-memory-access=allow"),
                agentArgs, List.of(), UndertowCoreService.class.getName(), "0", Integer.toString(workers));
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
