package io.tailwatch.testservers.netty42;

import io.tailwatch.testsupport.AbstractServerFaultsIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Netty 4.2 on NIO under faults, JDK 17, its handler on an executor group of 8 threads. */
class Netty42FaultsIT extends AbstractServerFaultsIT {
    @Override
    protected ForkedService startService(String agentArgs) throws IOException {
        return ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"), List.of(), agentArgs, List.of(),
                Netty42Service.class.getName(), "0", "8", "nio");
    }

    /** The event loop sees the client's close while the handler sleeps on its executor, and closes the channel. */
    @Override
    protected boolean endsRequestWhenTheClientLeaves() {
        return true;
    }

    @Override
    protected Predicate<Map<String, String>> hangingRequestSeries() {
        return getWithoutStatus("_OTHER");
    }

    /** The response had no last content when the channel closed: no complete response, no exception. */
    @Override
    protected Predicate<Map<String, String>> abortedResponseSeries() {
        return getWithoutStatus("_OTHER");
    }

    /**
     * Netty closes the channel on the first failed write, and the request ends there, without an
     * exception; or the event loop reads the reset first, and the exception it passes down the
     * pipeline is the request's.
     */
    @Override
    protected Predicate<Map<String, String>> clientResetResponseSeries() {
        return getWithoutStatus("_OTHER", "java.net.SocketException");
    }
}
