package io.tailwatch.agent.it;

import io.tailwatch.testsupport.AbstractServerLoadIT;
import io.tailwatch.testsupport.ForkedService;

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
    protected String mainClass() {
        return "io.tailwatch.testservices.JdkHttpService";
    }

    /** Any free port, four worker threads. */
    @Override
    protected List<String> serviceArgs() {
        return List.of("0", "4");
    }

    @Override
    protected List<String> serviceJvmOptions() {
        return jdkServerHoldingOptions();
    }

    @Override
    protected List<String> perConnectionClasses() {
        return List.of("io.tailwatch.agent.instrumentation.jdkhttp.JdkHttpConnection",
                "io.tailwatch.agent.recording.ServerConnection",
                "io.tailwatch.agent.recording.ServerRequest");
    }

    /** A JdkHttpConnection (32 bytes), its ServerConnection (56) and its ServerRequest (72). */
    @Override
    protected long maxAgentBytesPerConnection() {
        return 256;
    }

    @Override
    protected long maxHeapBytesPerConnection() {
        return 1024;
    }
}
