package io.tailwatch.testservers.netty42;

/** Netty 4.2 on the NIO transport, JDK 25, attached to after it served. */
class Netty42AttachedOnJdk25IT extends Netty42AttachedIT {
    @Override
    protected String jdkProperty() {
        return "tailwatch.test.jdk25";
    }
}
