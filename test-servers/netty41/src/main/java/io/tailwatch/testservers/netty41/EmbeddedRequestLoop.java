package io.tailwatch.testservers.netty41;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the agent costs one Netty request, without the network and the scheduler: the service's
 * pipeline ({@code HttpServerCodec}, {@code HttpObjectAggregator}, a handler answering hello) on an
 * {@code EmbeddedChannel}, fed keep-alive requests on one thread, and the nanoseconds per request
 * printed. With two cores shared by {@code wrk} and the server, a whole-server run swings by more
 * than the agent costs; this loop does not, so {@code scripts/bench-netty-path} runs it with and
 * without the agent, interleaved, to give that cost.
 *
 * <p>With the agent, the channel is handed to the agent's Netty hook as a server would accept it
 * (the embedded channel has no server), so that its requests are measured as a server's.
 *
 * <p>Arguments: requests per round (default 200000) and rounds (default 15). Prints one line per
 * round and then {@code RESULT <median of the last half of the rounds> ns/request}.
 */
public final class EmbeddedRequestLoop {
    private static final byte[] REQUEST =
            "GET /hello HTTP/1.1\r\nHost: localhost\r\nUser-Agent: wrk\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private EmbeddedRequestLoop() {
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        EmbeddedChannel channel = new EmbeddedChannel();
        boolean tracked = handToTheAgent(channel);
        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Hello());
        double[] perRequest = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                channel.writeInbound(Unpooled.wrappedBuffer(REQUEST));
                Object out;
                while ((out = channel.readOutbound()) != null) {
                    ReferenceCountUtil.release(out);
                }
            }
            perRequest[round] = (System.nanoTime() - start) / (double) requests;
            System.out.printf(Locale.ROOT, "round %d: %.0f ns/request%n", round, perRequest[round]);
        }
        channel.finishAndReleaseAll();
        double[] steady = Arrays.copyOfRange(perRequest, rounds / 2, rounds);
        Arrays.sort(steady);
        System.out.printf(Locale.ROOT, "RESULT %.0f ns/request (%s)%n", steady[steady.length / 2],
                tracked ? "measured by the agent" : "no agent");
    }

    /** Gives the channel to the agent's accept hook, if the agent is there; whether it was. */
    private static boolean handToTheAgent(EmbeddedChannel channel) throws Exception {
        Class<?> hooks;
        try {
            hooks = Class.forName("io.tailwatch.agent.instrumentation.netty.NettyHooks");
        } catch (ClassNotFoundException e) {
            return false;
        }
        hooks.getMethod("accepted", Object.class, boolean.class).invoke(null, channel, false);
        return hooks.getMethod("connection", Object.class).invoke(null, channel) != null;
    }

    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(Netty41Service.HELLO));
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, Netty41Service.HELLO.length);
            ctx.writeAndFlush(response);
        }
    }
}
