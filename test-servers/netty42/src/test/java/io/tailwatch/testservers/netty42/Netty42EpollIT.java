package io.tailwatch.testservers.netty42;

/**
 * Netty 4.2 on the native epoll transport, JDK 17: its accepts do not go through the JDK's
 * {@code ServerSocketChannel.accept()}, so the Netty instrumentation counts them itself.
 */
class Netty42EpollIT extends Netty42IT {
    @Override
    protected String transport() {
        return "epoll";
    }
}
