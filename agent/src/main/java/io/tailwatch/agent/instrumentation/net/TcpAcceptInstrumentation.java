package io.tailwatch.agent.instrumentation.net;

import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import io.tailwatch.agent.instrumentation.AdviceFactory;
import net.bytebuddy.asm.Advice;

import java.net.Socket;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

/**
 * The JDK's TCP accept path, below every server: {@code ServerSocketChannel.accept()}, the blocking
 * accept behind {@code ServerSocketChannel.socket().accept()}, and {@code ServerSocket.implAccept},
 * through which {@code ServerSocket.accept()} and TLS server sockets accept. Each accepted
 * connection passes exactly one of them.
 */
public final class TcpAcceptInstrumentation implements InstrumentationModule {
    public static final String NAME = "tcp-accept";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean transformsJdkClasses() {
        return true;
    }

    @Override
    public Class<?> hooksClass() {
        return TcpAcceptHooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of("sun.nio.ch.ServerSocketChannelImpl",
                "java.net.ServerSocket");
    }

    /** Its advice adds no members, so it applies to classes loaded before the agent as well. */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        return extend(agent);
    }

    @Override
    public Transformations extend(Transformations agent) {
        return agent
                .type(named("sun.nio.ch.ServerSocketChannelImpl"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(ChannelAccepted.class).on(
                                named("accept").and(takesNoArguments())
                                        .or(named("blockingAccept").and(takesArguments(long.class))))))
                .type(named("java.net.ServerSocket"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(SocketAccepted.class).on(named("implAccept").and(takesArguments(Socket.class)))));
    }

    static final class ChannelAccepted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return Object channel) {
            if (channel != null) {
                TcpAcceptHooks.accepted();
            }
        }
    }

    static final class SocketAccepted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit() {
            TcpAcceptHooks.accepted();
        }
    }
}
