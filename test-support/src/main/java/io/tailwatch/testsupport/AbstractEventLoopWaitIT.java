package io.tailwatch.testsupport;

import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * A Netty service with its handlers on its one event loop (WORKERS 0, {@code io.netty.eventLoopThreads=1}),
 * with each transport: a request waiting while the loop serves the ones before it in the same
 * wake-up is measured from the wake-up (see {@link EventLoopWaitCheck}). A module names its
 * service, which takes {@code PORT WORKERS nio|epoll}.
 */
public abstract class AbstractEventLoopWaitIT {
    protected abstract Class<?> serviceClass();

    @Test
    public void aRequestWaitingForTheNioLoopIsMeasuredFromItsWakeUp() throws Exception {
        check("nio");
    }

    @Test
    public void aRequestWaitingForTheEpollLoopIsMeasuredFromItsWakeUp() throws Exception {
        check("epoll");
    }

    private void check(String transport) throws Exception {
        try (ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"), List.of("-Dio.netty.eventLoopThreads=1"),
                "host=127.0.0.1,port=0", List.of(), serviceClass().getName(), "0", "0", transport)) {
            EventLoopWaitCheck.assertWaitInWakeUpMeasured(service);
        }
    }
}
