package io.tailwatch.agent.instrumentation.jetty;

/**
 * Implemented by {@code HttpChannelState$ChannelRequest} once instrumented: its channel, which Jetty
 * sets to null when the channel is recycled, so that a late call for a finished request finds none.
 */
public interface JettyChannelRequestAccess {
    Object tailwatch$channelState();
}
