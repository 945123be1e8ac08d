package io.tailwatch.testservers.netty41;

import io.tailwatch.testsupport.AbstractEventLoopWaitIT;

class Netty41EventLoopWaitIT extends AbstractEventLoopWaitIT {
    @Override
    protected Class<?> serviceClass() {
        return Netty41Service.class;
    }
}
