package io.tailwatch.testservers.vertx5;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * Vert.x 5 with a Vert.x Web router, as a Vert.x application is written: handlers on the event
 * loop, blocking work ({@code /sleep}) on Vert.x's worker pool of WORKERS threads through
 * {@code executeBlocking}, a timer for {@code /async}, Vert.x Web's own 500 for a handler that
 * throws and 404 for a path no route matches. Two templated routes, {@code /owners/:ownerId} and
 * {@code /owners/:ownerId/pets/:petId}, and a regular-expression route, {@code /files/<name>.txt},
 * name their requests.
 *
 * <p>Usage: {@code Vertx5Service PORT WORKERS}. Prints {@code LISTENING <port>} when ready. Vert.x
 * logs through java.util.logging here, which this service sends to standard output.
 */
public final class Vertx5Service {
    static final Buffer HELLO = Buffer.buffer("hello, world\n");

    private Vertx5Service() {
    }

    public static void main(String[] args) throws Exception {
        logToStandardOutput();
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;

        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(workers));
        Router router = Router.router(vertx);
        router.get("/hello").handler(ctx -> ctx.response().end(HELLO));
        router.get("/error").handler(ctx -> ctx.response().setStatusCode(500).end("failed\n"));
        router.get("/throw").handler(ctx -> {
            throw new IllegalStateException("handler failed on purpose");
        });
        router.get("/nobody").handler(ctx -> ctx.response().setStatusCode(204).end());
        router.get("/chunked").handler(Vertx5Service::chunked);
        router.get("/async").handler(ctx -> vertx.setTimer(5, id -> ctx.response().end(HELLO)));
        router.get("/sleep").handler(ctx -> {
            long ms = Long.parseLong(ctx.queryParams().get("ms") == null ? "5" : ctx.queryParams().get("ms"));
            // Unordered: ordered tasks of one context run one at a time, whatever the pool's size.
            vertx.executeBlocking(() -> {
                Thread.sleep(ms);
                return HELLO;
            }, false).onComplete(done -> ctx.response().end(HELLO));
        });
        router.post("/echo").handler(BodyHandler.create()).handler(ctx -> ctx.response().end(ctx.body().buffer()));
        router.get("/owners/:ownerId").handler(ctx -> ctx.response().end("owner " + ctx.pathParam("ownerId") + "\n"));
        router.get("/owners/:ownerId/pets/:petId").handler(ctx ->
                ctx.response().end("pet " + ctx.pathParam("petId") + " of owner " + ctx.pathParam("ownerId") + "\n"));
        router.getWithRegex("/files/[a-z]+\\.txt").handler(ctx -> ctx.response().end("file\n"));

        HttpServer server = vertx.createHttpServer().requestHandler(router)
                .listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        System.out.println("LISTENING " + server.actualPort() + " (" + workers + " worker threads)");
        System.out.flush();
    }

    private static void chunked(RoutingContext ctx) {
        HttpServerResponse response = ctx.response().setChunked(true);
        for (int i = 0; i < 3; i++) {
            response.write(HELLO);
        }
        response.end();
    }

    /** Vert.x logs through java.util.logging when no other logging library is present; standard error stays the agent's. */
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
