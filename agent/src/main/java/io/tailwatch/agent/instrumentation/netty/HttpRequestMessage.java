package io.tailwatch.agent.instrumentation.netty;

/**
 * Made a super-interface of {@code io.netty.handler.codec.http.HttpRequest}, so that the advice in
 * Netty's transport (which cannot name the HTTP codec's types: an application may not have it)
 * recognises the message that starts a request.
 */
public interface HttpRequestMessage {
}
