package io.tailwatch.agent.instrumentation.reactor;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import io.tailwatch.agent.instrumentation.netty.NettyAttachedHooks;
import net.bytebuddy.asm.Advice;

/**
 * The advice woven into Reactor Netty classes loaded before the agent, when Netty's were too: only
 * method bodies change. The request is found through the channel's attribute, where the Netty
 * instrumentation keeps what it tracks of the channel ({@link NettyAttachedHooks}).
 */
final class ReactorAttachedAdvice {
    private ReactorAttachedAdvice() {
    }

    /** {@code HttpServerOperations.onInboundNext(ctx, msg)}: a message of the request reaches the application. */
    static final class InboundNext {
        @SuppressWarnings("unchecked")
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.Argument(0) ChannelHandlerContext ctx) {
            Object k = NettyAttachedHooks.channelKey();
            if (k == null) {
                return ReactorHooks.NOT_PUBLISHED;
            }
            AttributeKey<Object> key = k instanceof AttributeKey ? (AttributeKey<Object>) k
                    : AttributeKey.<Object>valueOf(NettyAttachedHooks.KEY_NAME);
            Channel channel = ctx.channel();
            return channel.hasAttr(key) ? ReactorHooks.inboundStartingAttached(channel.attr(key).get()) : ReactorHooks.NOT_PUBLISHED;
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter Object published) {
            ReactorHooks.inboundFinished(published);
        }
    }
}
