package io.tailwatch.agent.instrumentation.vertx;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.tailwatch.agent.instrumentation.netty.NettyAttachedHooks;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import net.bytebuddy.asm.Advice;

/**
 * The advice woven into Vert.x Web classes loaded before the agent, when Netty's were too: only
 * method bodies change. A routing context finds its request through its connection's channel, whose
 * attribute holds what the Netty instrumentation tracks of it ({@link NettyAttachedHooks}): the
 * request whose response is due next, the one Vert.x is handling (it answers a connection's
 * requests one at a time, in order).
 */
final class VertxAttachedAdvice {
    private VertxAttachedAdvice() {
    }

    /**
     * {@code RouteState.handleContext(context)}: a matched route's handler runs. Only an exact path
     * names the request: a prefix route's template ({@code /static/*}) would be a string made per
     * request without the field that keeps it.
     */
    static final class RouteHandler {
        @SuppressWarnings("unchecked")
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("path") String path, @Advice.FieldValue("exactPath") boolean exact,
                          @Advice.Argument(0) RoutingContext context) {
            Object k = NettyAttachedHooks.channelKey();
            if (path == null || !exact || k == null || context.mountPoint() != null) {
                return;
            }
            HttpConnection connection = context.request().connection();
            if (connection instanceof ConnectionBase) {
                AttributeKey<Object> key = k instanceof AttributeKey ? (AttributeKey<Object>) k
                        : AttributeKey.<Object>valueOf(NettyAttachedHooks.KEY_NAME);
                Channel channel = ((ConnectionBase) connection).channel();
                if (channel.hasAttr(key)) {
                    VertxHooks.routedAttached(channel.attr(key).get(), path);
                }
            }
        }
    }

    /** {@code RoutingContextImpl.fail(statusCode, throwable)}: where every failure of a routing ends up. */
    static final class Failed {
        @SuppressWarnings("unchecked")
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This RoutingContext context, @Advice.Argument(0) int statusCode,
                          @Advice.Argument(1) Throwable failure) {
            Object k = NettyAttachedHooks.channelKey();
            if (failure == null || k == null) {
                return;
            }
            HttpConnection connection = context.request().connection();
            if (connection instanceof ConnectionBase) {
                AttributeKey<Object> key = k instanceof AttributeKey ? (AttributeKey<Object>) k
                        : AttributeKey.<Object>valueOf(NettyAttachedHooks.KEY_NAME);
                Channel channel = ((ConnectionBase) connection).channel();
                if (channel.hasAttr(key)) {
                    VertxHooks.failedAttached(channel.attr(key).get(), statusCode, failure);
                }
            }
        }
    }
}
