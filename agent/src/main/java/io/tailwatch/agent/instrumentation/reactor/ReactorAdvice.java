package io.tailwatch.agent.instrumentation.reactor;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.AbstractNioChannel;
import io.tailwatch.agent.instrumentation.netty.NettyHooks;
import net.bytebuddy.asm.Advice;

/** The advice woven into Reactor Netty and Reactor core; each piece hands plain values to {@link ReactorHooks}. */
final class ReactorAdvice {
    private ReactorAdvice() {
    }

    /**
     * {@code ServerTransport.Acceptor.channelRead(ctx, child)}: Reactor Netty's own acceptor (in place
     * of {@code ServerBootstrap}'s, which the Netty instrumentation hooks) hands over a channel the
     * server accepted. NIO accepts through the JDK, whose accept path counts it; a native
     * transport (epoll, Reactor Netty's default on Linux) does not.
     */
    static final class ChildAccepted {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) ChannelHandlerContext ctx, @Advice.Argument(1) Object child) {
            Channel server = ctx.channel();
            NettyHooks.accepted(child, !(server instanceof AbstractNioChannel) && !(server instanceof LocalServerChannel));
        }
    }

    /** {@code HttpServerOperations.onInboundNext(ctx, msg)}: a message of the request reaches the application. */
    static final class InboundNext {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.Argument(0) ChannelHandlerContext ctx) {
            return ReactorHooks.inboundStarting(ctx.channel());
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter Object published) {
            ReactorHooks.inboundFinished(published);
        }
    }

    /** {@code Schedulers.workerSchedule(exec, tasks, task, delay, unit)}. */
    static final class WorkerSchedule {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(value = 2, readOnly = false) Runnable task, @Advice.Argument(3) long delay) {
            task = ReactorHooks.scheduling(task, delay);
        }
    }

    /** {@code Schedulers.directSchedule(exec, task, parent, delay, unit)}. */
    static final class DirectSchedule {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(value = 1, readOnly = false) Runnable task, @Advice.Argument(3) long delay) {
            task = ReactorHooks.scheduling(task, delay);
        }
    }
}
