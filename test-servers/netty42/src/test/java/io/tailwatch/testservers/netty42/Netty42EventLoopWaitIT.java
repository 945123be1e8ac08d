package io.tailwatch.testservers.netty42;

import io.tailwatch.testsupport.EventLoopWaitCheck;
import io.tailwatch.testsupport.ForkedService;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The handlers on the service's one event loop (WORKERS 0, {@code io.netty.eventLoopThreads=1}),
 * with each transport: a request waiting while the loop serves the ones before it in the same
 * wake-up is measured from the wake-up (see {@link EventLoopWaitCheck}).
 */
class Netty42EventLoopWaitIT {
    @Test
    void aRequestWaitingForTheNioLoopIsMeasuredFromItsWakeUp() throws Exception {
        check("nio");
    }

    @Test
    void aRequestWaitingForTheEpollLoopIsMeasuredFromItsWakeUp() throws Exception {
        check("epoll");
    }

    private static void check(String transport) throws Exception {
        try (ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"), List.of("-Dio.netty.eventLoopThreads=1"),
                "host=127.0.0.1,port=0", List.of(), Netty42Service.class.getName(), "0", "0", transport)) {
            EventLoopWaitCheck.assertWaitInWakeUpMeasured(service);
        }
    }
}
