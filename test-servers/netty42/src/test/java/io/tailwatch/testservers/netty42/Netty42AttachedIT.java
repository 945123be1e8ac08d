package io.tailwatch.testservers.netty42;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The agent attached to a Netty 4.2 server (NIO, JDK 17) that has served without it: its classes
 * cannot be given fields, so each channel's state lives in its attribute map, and every request is
 * counted from the attach on. The handler runs on an executor group of two threads, so that the
 * response is written from another thread than the event loop, as with the agent from the start.
 */
class Netty42AttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), Netty42Service.class.getName(), "0", "2", "nio");
    }

    @Override
    protected String instrumentationName() {
        return "netty";
    }

    /** The service answers a handler's exception from exceptionCaught, as Netty applications do. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }
}
