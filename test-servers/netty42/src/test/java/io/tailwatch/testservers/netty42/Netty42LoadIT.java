package io.tailwatch.testservers.netty42;

import io.tailwatch.testsupport.AbstractServerLoadIT;
import io.tailwatch.testsupport.ForkedService;

import java.nio.file.Path;
import java.util.List;

/**
 * Ten thousand keep-alive connections and a short-connection flood on Netty 4.2 (NIO transport,
 * handlers on a four-thread executor group, so that each request is picked up off the event loop),
 * JDK 17.
 */
class Netty42LoadIT extends AbstractServerLoadIT {
    @Override
    protected Path jdk() {
        return ForkedService.jdk("tailwatch.test.jdk17");
    }

    @Override
    protected String mainClass() {
        return Netty42Service.class.getName();
    }

    /** Any free port, four handler threads, NIO. */
    @Override
    protected List<String> serviceArgs() {
        return List.of("0", "4", "nio");
    }

    /** Netty keeps idle connections open; its ten thousand take about 40 MB. */
    @Override
    protected List<String> serviceJvmOptions() {
        return List.of("-Xmx1g");
    }

    @Override
    protected List<String> perConnectionClasses() {
        return List.of("io.tailwatch.agent.instrumentation.netty.NettyConnection",
                "io.tailwatch.agent.recording.ServerConnection");
    }

    /**
     * A NettyConnection (80 bytes), its ServerConnection (56), its ring of four slots (32) and a
     * slot (40) with its ServerRequest (72) for each of the last four requests: 616 at most.
     */
    @Override
    protected long maxAgentBytesPerConnection() {
        return 640;
    }

    @Override
    protected long maxHeapBytesPerConnection() {
        return 1024;
    }
}
