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
 * Usage: {@code UndertowCoreService PORT WORKERS}; prints {@code LISTENING <port>} when ready.
 */
public final class UndertowCoreService {
    private static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);

    private UndertowCoreService() {
    }

    public static void main(String[] args) {
        StdoutLogging.install();
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "async-completer");
            t.setDaemon(true);
            return t;
        });

        PathHandler paths = Handlers.path(ResponseCodeHandler.HANDLE_404)
                .addExactPath("/hello", new BlockingHandler(exchange -> write(exchange, 200, HELLO)))
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
                .addExactPath("/sleep", new BlockingHandler(exchange -> {
                    Deque<String> ms = exchange.getQueryParameters().get("ms");
                    Thread.sleep(ms == null ? 5 : Long.parseLong(ms.getFirst()));
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

        Undertow server = Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setWorkerThreads(workers)
                // Off by default; -Dundertow.bufferPipelinedData=true checks the pipelining conduit too.
                .setServerOption(UndertowOptions.BUFFER_PIPELINED_DATA, Boolean.getBoolean("undertow.bufferPipelinedData"))
                .setHandler(paths)
                .build();
        server.start();
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        System.out.println("LISTENING " + address.getPort());
        System.out.flush();
    }

    private static void write(HttpServerExchange exchange, int status, byte[] body) throws IOException {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        exchange.getOutputStream().write(body);
    }
}
