package io.tailwatch.testservers.netty42;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * A plain Netty 4.2 HTTP server on 4.2's I/O-handler event loops, written as Netty's own
 * examples are: {@link HttpServerCodec}, {@link HttpObjectAggregator}, and one handler answering
 * every path. The handler runs on a {@link DefaultEventExecutorGroup} of WORKERS threads, so that
 * {@code /sleep} blocks a worker and not the event loop, and requests queue for those workers as
 * they would for a thread pool. With WORKERS 0 the handler runs on the event loop, as Vert.x's and
 * Reactor Netty's do.
 *
 * <p>Usage: {@code Netty42Service PORT WORKERS [nio|epoll]}. Prints {@code LISTENING <port>} when
 * ready. Netty logs through java.util.logging here, which this service sends to standard output.
 */
public final class Netty42Service {
    static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);

    private Netty42Service() {
    }

    public static void main(String[] args) throws Exception {
        logToStandardOutput();
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        boolean epoll = args.length > 2 && args[2].equals("epoll");

        IoHandlerFactory transport = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, transport);
        EventLoopGroup io = new MultiThreadIoEventLoopGroup(transport);
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventExecutorGroup handlers = workers > 0 ? new DefaultEventExecutorGroup(workers) : null;

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, io)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20));
                        if (handlers != null) {
                            ch.pipeline().addLast(handlers, "service", new ServiceHandler());
                        } else {
                            ch.pipeline().addLast("service", new ServiceHandler());
                        }
                    }
                });
        Channel server = bootstrap.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        System.out.println("LISTENING " + ((InetSocketAddress) server.localAddress()).getPort()
                + " (" + (epoll ? "epoll" : "nio") + ", " + workers + " handler threads)");
        System.out.flush();
        server.closeFuture().sync();
    }

    /** The paths every test service answers; see AbstractHttpServerIT. */
    static final class ServiceHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpVersion version = request.protocolVersion();
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            switch (uri.path()) {
                case "/hello":
                    respond(ctx, version, keepAlive, HttpResponseStatus.OK, Unpooled.wrappedBuffer(HELLO));
                    break;
                case "/error":
                    respond(ctx, version, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, text("failed\n"));
                    break;
                case "/throw":
                    throw new IllegalStateException("handler failed on purpose");
                case "/nobody":
                    respond(ctx, version, keepAlive, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
                    break;
                case "/chunked":
                    chunked(ctx, version, keepAlive);
                    break;
                case "/async":
                    ctx.channel().eventLoop().schedule(
                            () -> respond(ctx, version, keepAlive, HttpResponseStatus.OK, Unpooled.wrappedBuffer(HELLO)),
                            5, TimeUnit.MILLISECONDS);
                    break;
                case "/sleep":
                    List<String> ms = uri.parameters().get("ms");
                    Thread.sleep(ms == null ? 5 : Long.parseLong(ms.get(0)));
                    respond(ctx, version, keepAlive, HttpResponseStatus.OK, Unpooled.wrappedBuffer(HELLO));
                    break;
                case "/echo":
                    respond(ctx, version, keepAlive, HttpResponseStatus.OK, Unpooled.copiedBuffer(request.content()));
                    break;
                case "/hang":
                    try {
                        Thread.sleep(Long.parseLong(uri.parameters().get("ms").get(0)));
                        respond(ctx, version, keepAlive, HttpResponseStatus.OK, Unpooled.wrappedBuffer(HELLO));
                    } finally {
                        System.out.println("HANG_DONE " + uri.parameters().get("id").get(0));
                    }
                    break;
                case "/close-mid-response":
                    closeMidResponse(ctx, version);
                    break;
                case "/big":
                    big(ctx, version, keepAlive, Long.parseLong(uri.parameters().get("bytes").get(0)));
                    break;
                default:
                    respond(ctx, version, keepAlive, HttpResponseStatus.NOT_FOUND, text("not found\n"));
            }
        }

        /** What a typical application does with a handler's exception: answer 500 and go on. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                ctx.close();
                return;
            }
            respond(ctx, HttpVersion.HTTP_1_1, true, HttpResponseStatus.INTERNAL_SERVER_ERROR, text("internal error\n"));
        }

        /** Declares 1000 bytes, sends 100, then closes the channel: Netty's way to abort a response. */
        private static void closeMidResponse(ChannelHandlerContext ctx, HttpVersion version) {
            HttpResponse head = new DefaultHttpResponse(version, HttpResponseStatus.OK);
            HttpUtil.setContentLength(head, 1000);
            ctx.write(head);
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[100]))).addListener(ChannelFutureListener.CLOSE);
        }

        /**
         * Sends {@code bytes} zero bytes in 64 KiB parts, the next once the previous is written, so
         * that a slow client holds the server back rather than its memory; prints
         * {@code BIG_DONE <bytes or the failure>} when done.
         */
        private static void big(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, long bytes) {
            HttpResponse head = new DefaultHttpResponse(version, HttpResponseStatus.OK);
            HttpUtil.setContentLength(head, bytes);
            setConnection(head, version, keepAlive);
            ctx.write(head);
            writePart(ctx, new byte[64 * 1024], bytes, 0, keepAlive);
        }

        private static void writePart(ChannelHandlerContext ctx, byte[] chunk, long bytes, long written, boolean keepAlive) {
            int n = (int) Math.min(chunk.length, bytes - written);
            long total = written + n;
            ByteBuf part = Unpooled.wrappedBuffer(chunk, 0, n);
            boolean last = total >= bytes;
            ctx.writeAndFlush(last ? new DefaultLastHttpContent(part) : new DefaultHttpContent(part)).addListener(future -> {
                if (!future.isSuccess()) {
                    System.out.println("BIG_DONE " + future.cause());
                    ctx.close();
                } else if (last) {
                    System.out.println("BIG_DONE " + total);
                    if (!keepAlive) {
                        ctx.close();
                    }
                } else {
                    writePart(ctx, chunk, bytes, total, keepAlive);
                }
            });
        }

        private static void chunked(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive) {
            HttpResponse head = new DefaultHttpResponse(version, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
            HttpUtil.setTransferEncodingChunked(head, true);
            setConnection(head, version, keepAlive);
            ctx.write(head);
            for (int i = 0; i < 3; i++) {
                ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(HELLO)));
            }
            finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive);
        }

        private static void respond(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive,
                                    HttpResponseStatus status, ByteBuf body) {
            FullHttpResponse response = new DefaultFullHttpResponse(version, status, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
            if (status.code() != 204) {
                HttpUtil.setContentLength(response, body.readableBytes());
            }
            setConnection(response, version, keepAlive);
            finish(ctx.writeAndFlush(response), keepAlive);
        }

        private static void setConnection(HttpResponse response, HttpVersion version, boolean keepAlive) {
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (version.equals(HttpVersion.HTTP_1_0)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }

        private static void finish(io.netty.channel.ChannelFuture written, boolean keepAlive) {
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static ByteBuf text(String s) {
            return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
        }
    }

    /** Netty logs through java.util.logging when no other logging library is present; standard error stays the agent's. */
    static void logToStandardOutput() {
        LogManager.getLogManager().reset();
        Handler out = new StreamHandler(System.out, new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(out);
        root.setLevel(Level.INFO);
    }
}
