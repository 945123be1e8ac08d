package io.tailwatch.agent.instrumentation.jdkhttp;

/** Implemented by {@code sun.net.httpserver.HttpConnection} once instrumented: its added field. */
public interface ConnectionAccess {
    JdkHttpConnection tailwatch$connection();
}
