package io.tailwatch.agent.instrumentation.netty;

/**
 * Implemented by {@code io.netty.handler.codec.http.HttpObjectDecoder} once instrumented, so that
 * the advice in {@code ByteToMessageDecoder}, shared by every decoder, acts for HTTP decoders only.
 */
public interface HttpDecoder {
}
