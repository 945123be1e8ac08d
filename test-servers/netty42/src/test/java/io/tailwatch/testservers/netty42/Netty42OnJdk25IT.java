package io.tailwatch.testservers.netty42;

/** Netty 4.2 on the NIO transport, JDK 25. */
class Netty42OnJdk25IT extends Netty42IT {
    @Override
    protected String jdk() {
        return "tailwatch.test.jdk25";
    }
}
