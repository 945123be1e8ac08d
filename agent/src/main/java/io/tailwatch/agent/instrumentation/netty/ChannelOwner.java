package io.tailwatch.agent.instrumentation.netty;

/**
 * Implemented, once instrumented, by a framework's connection object that holds a Netty channel
 * (Vert.x's {@code ConnectionBase}, Reactor Netty's {@code ChannelOperations}), so that its routing
 * instrumentation reaches the channel's requests ({@link NettyHooks#requestDueNext}) without naming
 * the framework's types.
 */
public interface ChannelOwner {
    /** The {@code io.netty.channel.Channel}. */
    Object tailwatch$channel();
}
