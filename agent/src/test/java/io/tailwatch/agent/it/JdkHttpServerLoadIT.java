package io.tailwatch.agent.it;

import io.tailwatch.testsupport.AbstractServerLoadIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Ten thousand keep-alive connections and a short-connection flood on the JDK's HTTP server, JDK 17. */
class JdkHttpServerLoadIT extends AbstractServerLoadIT {
    /** The JDK home property the service runs on. */
    protected String jdkProperty() {
        return "tailwatch.test.jdk17";
    }

    @Override
    protected Path jdk() {
        return ForkedService.jdk(jdkProperty());
    }

    @Override
    protected ForkedService startService(String agentArgs) throws IOException {
        return ForkedService.start(jdk(), jdkServerHoldingOptions(), agentArgs, List.of(),
                "io.tailwatch.testservices.JdkHttpService", "0", "4");
    }

    @Override
    protected List<String> perConnectionClasses() {
        return List.of("io.tailwatch.agent.instrumentation.jdkhttp.JdkHttpConnection",
                "io.tailwatch.agent.recording.ServerConnection",
                "io.tailwatch.agent.recording.ServerRequest");
    }

    /** A JdkHttpConnection, its ServerConnection and its ServerRequest: about 150 bytes. */
    @Override
    protected long maxBytesPerConnection() {
        return 256;
    }
}
