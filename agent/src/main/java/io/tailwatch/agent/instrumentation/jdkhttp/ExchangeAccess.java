package io.tailwatch.agent.instrumentation.jdkhttp;

/** Implemented by {@code sun.net.httpserver.ExchangeImpl} once instrumented: its connection field. */
public interface ExchangeAccess {
    Object tailwatch$httpConnection();
}
