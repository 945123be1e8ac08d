package io.tailwatch.agent.instrumentation.netty;

/**
 * Implemented by {@code io.netty.channel.DefaultChannelPromise} once instrumented: the request whose
 * response ends when this write promise completes, or null.
 */
public interface PromiseAccess {
    Object tailwatch$request();

    void tailwatch$request(Object request);
}
