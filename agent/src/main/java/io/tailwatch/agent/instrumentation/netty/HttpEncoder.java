package io.tailwatch.agent.instrumentation.netty;

/**
 * Implemented by {@code io.netty.handler.codec.http.HttpObjectEncoder} once instrumented: the
 * agent's work when part of a response is written, in a method of its own rather than inlined into
 * {@code write}, which it grew from 113 to 329 bytes of bytecode, past the 325 up to which C2
 * inlines a hot method into its caller ({@code InlineBudgetTest}).
 */
public interface HttpEncoder {
    /**
     * On entry to {@code write(ctx, msg, promise)}.
     *
     * @return the request this part completes, for {@link NettyHooks#responseWritten} once the encoder has passed it on; or null
     */
    Object tailwatch$responseWriting(Object ctx, Object message, Object promise);
}
