package io.tailwatch.testservers.jetty12;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * The one servlet of the Jetty 12 servlet services (ee10 and ee11), mapped to each path the abstract
 * server test sends; written against the Servlet API alone, so that both environments run the same
 * code. Besides the paths of every test service it answers those of the servlet test:
 * {@code /forward}, {@code /include}, {@code /send-error} and {@code /async-dispatch}.
 */
final class PathsServlet extends HttpServlet {
    static final String[] PATHS = {"/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
            "/forward", "/include", "/send-error", "/async-dispatch"};
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        // An included request keeps the includer's servlet path; the included one is an attribute.
        Object included = request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH);
        switch (included != null ? (String) included : request.getServletPath()) {
            case "/hello" -> respond(response, 200, Jetty12Server.HELLO);
            case "/error" -> respond(response, 500, Jetty12Server.FAILED);
            case "/throw" -> throw new IllegalStateException("servlet failed on purpose");
            case "/nobody" -> response.setStatus(204);
            case "/chunked" -> {
                response.setStatus(200);
                response.setContentType("text/plain");
                OutputStream out = response.getOutputStream();
                for (int i = 0; i < 3; i++) {
                    out.write(Jetty12Server.HELLO);
                    out.flush();
                }
            }
            case "/async" -> {
                AsyncContext async = request.startAsync();
                Jetty12Server.LATER.schedule(() -> {
                    try {
                        respond((HttpServletResponse) async.getResponse(), 200, Jetty12Server.HELLO);
                    } catch (IOException e) {
                        // The client went away; complete() below ends the exchange all the same.
                    } finally {
                        async.complete();
                    }
                }, 5, TimeUnit.MILLISECONDS);
            }
            case "/sleep" -> {
                Jetty12Server.sleep(Jetty12Server.sleepMillis(request.getQueryString()));
                respond(response, 200, Jetty12Server.HELLO);
            }
            case "/echo" -> respond(response, 200, request.getInputStream().readAllBytes());
            case "/forward" -> request.getRequestDispatcher("/hello").forward(request, response);
            case "/include" -> {
                response.setContentType("text/plain");
                request.getRequestDispatcher("/hello").include(request, response);
            }
            case "/send-error" -> response.sendError(503);
            case "/async-dispatch" -> {
                AsyncContext async = request.startAsync();
                Jetty12Server.LATER.schedule(() -> async.dispatch("/hello"), 5, TimeUnit.MILLISECONDS);
            }
            default -> response.sendError(404);
        }
    }

    private static void respond(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
