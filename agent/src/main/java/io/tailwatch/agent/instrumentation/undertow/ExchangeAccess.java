package io.tailwatch.agent.instrumentation.undertow;

import io.tailwatch.agent.recording.ServerRequest;

/**
 * Implemented by {@code io.undertow.server.HttpServerExchange} once instrumented: the measurement
 * of the request the exchange carries, set when an HTTP/1.1 connection begins the exchange. Null
 * for exchanges the agent does not measure (HTTP/2, AJP, the interim exchange of a
 * {@code 100 Continue}, or any exchange while the agent is not recording).
 */
public interface ExchangeAccess {
    ServerRequest tailwatch$request();

    void tailwatch$request(ServerRequest request);
}
