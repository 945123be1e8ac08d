package io.tailwatch.testservers.jetty12;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A service on Jetty 12's core API: one {@code Handler.Abstract} answering the paths the abstract
 * server test sends. Usage: {@code Jetty12CoreService PORT WORKERS [virtual]}; prints
 * {@code LISTENING <port>} when ready, and {@code FIRST_HANDLER_THREAD virtual=<true|false>} when it
 * handles its first request. Paths it does not know are left to Jetty, which answers 404.
 */
public final class Jetty12CoreService {
    private Jetty12CoreService() {
    }

    public static void main(String[] args) throws Exception {
        Jetty12Server.run(args, new Paths());
    }

    private static final class Paths extends Handler.Abstract {
        private final AtomicBoolean first = new AtomicBoolean(true);

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (first.compareAndSet(true, false)) {
                Jetty12Server.printHandlerThread();
            }
            switch (Request.getPathInContext(request)) {
                case "/hello" -> respond(response, callback, 200, Jetty12Server.HELLO);
                case "/error" -> respond(response, callback, 500, Jetty12Server.FAILED);
                case "/throw" -> throw new IllegalStateException("handler failed on purpose");
                case "/nobody" -> {
                    response.setStatus(204);
                    response.write(true, null, callback);
                }
                case "/chunked" -> {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                    for (int i = 0; i < 3; i++) {
                        try (Blocker.Callback written = Blocker.callback()) {
                            response.write(false, ByteBuffer.wrap(Jetty12Server.HELLO), written);
                            written.block();
                        }
                    }
                    response.write(true, BufferUtil.EMPTY_BUFFER, callback);
                }
                case "/async" -> Jetty12Server.LATER.schedule(
                        () -> respond(response, callback, 200, Jetty12Server.HELLO), 5, TimeUnit.MILLISECONDS);
                case "/sleep" -> {
                    Jetty12Server.sleep(Jetty12Server.sleepMillis(request.getHttpURI().getQuery()));
                    respond(response, callback, 200, Jetty12Server.HELLO);
                }
                case "/echo" -> {
                    ByteBuffer body = Content.Source.asByteBuffer(request);
                    byte[] bytes = new byte[body.remaining()];
                    body.get(bytes);
                    respond(response, callback, 200, bytes);
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        private static void respond(Response response, Callback callback, int status, byte[] body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }
}
