package io.tailwatch.agent.instrumentation.netty;

/**
 * Implemented by {@code io.netty.channel.AbstractChannel} once instrumented: the field that holds
 * what tailwatch tracks of a channel the server accepted (null for every other channel).
 */
public interface ChannelAccess {
    NettyConnection tailwatch$connection();

    void tailwatch$connection(NettyConnection connection);
}
