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

    /**
     * {@code Connectors.executeRootHandler} is to run the root handler for this exchange: the
     * agent's work there, in a method of its own so that {@code executeRootHandler} stays small
     * enough for C2 to inline it (see {@code UndertowAdvice.RootHandler}).
     *
     * @return what {@link #tailwatch$rootHandlerReturned} is to be given
     */
    ServerRequest tailwatch$rootHandlerEntered();

    /** The run of the root handler returned or threw; {@code previous} is what {@link #tailwatch$rootHandlerEntered} returned. */
    void tailwatch$rootHandlerReturned(ServerRequest previous);
}
