package io.tailwatch.agent.instrumentation.jdkhttp;

/**
 * Implemented by {@code sun.net.httpserver.HttpExchangeImpl} and {@code HttpsExchangeImpl} once
 * instrumented: the {@code ExchangeImpl} behind the public {@code HttpExchange} a handler sees.
 */
public interface PublicExchangeAccess {
    Object tailwatch$exchangeImpl();
}
