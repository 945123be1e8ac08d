package io.tailwatch.testservers.netty42;

import io.tailwatch.testsupport.AbstractEventLoopWaitIT;

class Netty42EventLoopWaitIT extends AbstractEventLoopWaitIT {
    @Override
    protected Class<?> serviceClass() {
        return Netty42Service.class;
    }
}
