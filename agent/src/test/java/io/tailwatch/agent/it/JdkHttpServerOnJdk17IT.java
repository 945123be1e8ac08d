package io.tailwatch.agent.it;

import java.io.IOException;

/** The JDK's own HTTP server, on JDK 17. */
class JdkHttpServerOnJdk17IT extends AbstractHttpServerIT {
    @Override
    ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.jdkHttpService(ForkedService.jdk("tailwatch.test.jdk17"), workers, agentArgs);
    }

    @Override
    int statusWhenHandlerThrows() {
        return -1;
    }
}
