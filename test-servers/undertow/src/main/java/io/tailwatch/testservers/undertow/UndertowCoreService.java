package io.tailwatch.testservers.undertow;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A service on Undertow's core handlers, written as applications write them: lambdas under a
 * {@link PathHandler}, the blocking ones wrapped in a {@link BlockingHandler} (which dispatches the
 * exchange from the I/O thread to the XNIO worker pool and starts blocking mode), the non-blocking
 * ones answering on the I/O thread. Paths Undertow does not know get its own 404.
 * With WORKERS 0, {@code /hello} and {@code /sleep} answer on the I/O thread too (one worker is
 * still made: XNIO needs one), as a non-blocking application's handlers do and Netty's services
 * do with WORKERS 0; {@code -Dundertow.ioThreads=N} sets the I/O threads (Undertow's default: one
 * per core, at least two).
 * Usage: {@code UndertowCoreService PORT WORKERS [nio]} (XNIO has one transport); prints
 * {@code LISTENING <port>} when ready.
 */
public final class UndertowCoreService {
    private static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);

    private UndertowCoreService() {
    }

    public static void main(String[] args) {
        StdoutLogging.install();
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        boolean onIoThread = workers == 0;
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "async-completer");
            t.setDaemon(true);
            return t;
        });

        PathHandler paths = Handlers.path(ResponseCodeHandler.HANDLE_404)
                .addExactPath("/hello", onIoThread ? exchange -> send(exchange, HELLO)
                        : new BlockingHandler(exchange -> write(exchange, 200, HELLO)))
                .addExactPath("/throw", new BlockingHandler(exchange -> {
                    throw new IllegalStateException("handler failed on purpose");
                }))
                .addExactPath("/chunked", new BlockingHandler(exchange -> {
                    exchange.getResponseHeaders().put(Headers.TRANSFER_ENCODING, "chunked");
                    OutputStream out = exchange.getOutputStream();
                    for (int i = 0; i < 3; i++) {
                        out.write(HELLO);
                        out.flush();
                    }
                }))
                .addExactPath("/sleep", onIoThread ? exchange -> {
                    Thread.sleep(sleepMillis(exchange));
                    send(exchange, HELLO);
                } : new BlockingHandler(exchange -> {
                    Thread.sleep(sleepMillis(exchange));
                    write(exchange, 200, HELLO);
                }))
                .addExactPath("/echo", new BlockingHandler(exchange -> write(exchange, 200, exchange.getInputStream().readAllBytes())))
                // Non-blocking, on the I/O thread.
                .addExactPath("/error", exchange -> {
                    exchange.setStatusCode(500);
                    exchange.getResponseSender().send("failed\n");
                })
                .addExactPath("/nobody", exchange -> exchange.setStatusCode(204))
                // Completed 5 ms later by another thread: the exchange stays open after the handler returns.
                .addExactPath("/async", exchange -> exchange.dispatch(SameThreadExecutor.INSTANCE, () ->
                        later.schedule(() -> {
                            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                            exchange.getResponseSender().send(ByteBuffer.wrap(HELLO));
                        }, 5, TimeUnit.MILLISECONDS)));

        Undertow.Builder builder = Undertow.builder();
        Integer ioThreads = Integer.getInteger("undertow.ioThreads");
        if (ioThreads != null) {
            builder.setIoThreads(ioThreads);
        }
        Undertow server = builder
                .addHttpListener(port, "127.0.0.1")
                .setWorkerThreads(Math.max(1, workers))
                // Off by default; -Dundertow.bufferPipelinedData=true checks the pipelining conduit too.
                .setServerOption(UndertowOptions.BUFFER_PIPELINED_DATA, Boolean.getBoolean("undertow.bufferPipelinedData"))
                .setHandler(paths)
                .build();
        server.start();
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        System.out.println("LISTENING " + address.getPort());
        System.out.flush();
    }

    private static long sleepMillis(HttpServerExchange exchange) {
        Deque<String> ms = exchange.getQueryParameters().get("ms");
        return ms == null ? 5 : Long.parseLong(ms.getFirst());
    }

    /** Answers 200 without blocking, from the I/O thread. */
    private static void send(HttpServerExchange exchange, byte[] body) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private static void write(HttpServerExchange exchange, int status, byte[] body) throws IOException {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        exchange.getOutputStream().write(body);
    }
}
