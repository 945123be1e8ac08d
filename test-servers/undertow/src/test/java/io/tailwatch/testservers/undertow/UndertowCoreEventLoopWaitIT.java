package io.tailwatch.testservers.undertow;

import io.tailwatch.testsupport.AbstractEventLoopWaitIT;

import java.util.List;

/** XNIO's I/O thread, which serves its ready connections inline in its run loop. */
class UndertowCoreEventLoopWaitIT extends AbstractEventLoopWaitIT {
    @Override
    protected Class<?> serviceClass() {
        return UndertowCoreService.class;
    }

    @Override
    protected String oneLoop() {
        return "-Dundertow.ioThreads=1";
    }

    @Override
    protected List<String> transports() {
        return List.of("nio");
    }
}
