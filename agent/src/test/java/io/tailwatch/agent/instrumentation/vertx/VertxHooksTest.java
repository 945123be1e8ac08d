package io.tailwatch.agent.instrumentation.vertx;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import io.tailwatch.agent.recording.ServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hooks behind the Vert.x advice, driven with stand-ins for the objects the agent adds fields to. */
class VertxHooksTest {
    private Recording recording;

    @BeforeEach
    void install() {
        recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
        Recording.install(recording);
        CurrentRequest.want();
    }

    @AfterEach
    void uninstall() {
        Recording.install(null);
    }

    /** A routing context, a worker task or a route, as instrumented. */
    static final class Carrier implements RequestCarrier, HandOffTime, RouteTemplate {
        ServerRequest request;
        long arrival;
        long handedOff;
        String template;

        public ServerRequest tailwatch$request() {
            return request;
        }

        public void tailwatch$request(ServerRequest request) {
            this.request = request;
        }

        public long tailwatch$arrival() {
            return arrival;
        }

        public void tailwatch$arrival(long arrivalNanos) {
            this.arrival = arrivalNanos;
        }

        public long tailwatch$handedOff() {
            return handedOff;
        }

        public void tailwatch$handedOff(long nanos) {
            this.handedOff = nanos;
        }

        public String tailwatch$template() {
            return template;
        }

        public void tailwatch$template(String template) {
            this.template = template;
        }
    }

    private static ServerRequest begun(long arrival) {
        ServerRequest request = new ServerRequest();
        assertTrue(request.begin(null, arrival, "GET", -1));
        return request;
    }

    @Test
    void aRouteNamesItsRequestWithItsPathTemplateAndTheSameStringEveryTime() {
        Carrier prefix = new Carrier();
        String first = VertxHooks.template(prefix, "/static/", false);
        assertEquals("/static/*", first);
        assertSame(first, VertxHooks.template(prefix, "/static/", false), "kept on the route");
        assertEquals("/owners/:ownerId", VertxHooks.template(new Carrier(), "/owners/:ownerId", true));
        assertNull(VertxHooks.template(new Carrier(), null, true), "a regular expression names nothing");
    }

    @Test
    void theLastRouteWhoseHandlerRunsNamesTheRequestButASubRoutersRelativePathDoesNot() {
        ServerRequest request = begun(1_000);
        CurrentRequest.enter(request);
        Carrier context = new Carrier();
        VertxHooks.contextCreated(context, null);
        CurrentRequest.exit(null);
        assertSame(request, VertxHooks.carried(context), "taken from the published request when the connection has no channel");

        Object published = VertxHooks.handlerStarting(new Carrier(), null, false, context, false);
        assertSame(request, CurrentRequest.current(), "published while the handler runs");
        VertxHooks.handlerReturned(published);
        assertNull(CurrentRequest.current());
        VertxHooks.handlerReturned(VertxHooks.handlerStarting(new Carrier(), "/api/", false, context, false));
        VertxHooks.handlerReturned(VertxHooks.handlerStarting(new Carrier(), "/items/:id", true, context, true));
        request.status(200);
        request.end(2_000);
        RequestSeries s = recording.http().series().all().get(0);
        assertEquals("/api/*", s.route());
    }

    @Test
    void aFailureWithA5xxRecordsItsExceptionAndA4xxDoesNot() {
        ServerRequest request = begun(1_000);
        Carrier context = new Carrier();
        context.request = request;
        context.arrival = 1_000;
        VertxHooks.failed(context, 404, new IllegalArgumentException("not found"));
        VertxHooks.failed(context, 500, new IllegalStateException("thrown"));
        request.status(500);
        request.end(2_000);
        assertEquals("java.lang.IllegalStateException", recording.http().series().all().get(0).errorType());
    }

    @Test
    void aContextOutlivingItsRequestTouchesNotTheNextOneOnTheSameObject() {
        ServerRequest request = begun(1_000);
        Carrier context = new Carrier();
        context.request = request;
        context.arrival = 1_000;
        request.end(2_000);
        request.begin(null, 3_000, "GET", -1);
        assertNull(VertxHooks.carried(context));
        VertxHooks.failed(context, 500, new IllegalStateException("late"));
        request.status(200);
        request.end(4_000);
        assertNull(recording.http().series().all().get(1).errorType());
    }

    @Test
    void aWorkerTaskHandsItsRequestOffAndItsWaitIsTheQueueTime() throws Exception {
        ServerRequest request = begun(System.nanoTime());
        Carrier task = new Carrier();
        Carrier unrelated = new Carrier();
        VertxHooks.taskCreated(unrelated);
        assertNull(unrelated.request, "no request published, nothing carried");

        CurrentRequest.enter(request);
        VertxHooks.taskCreated(task);
        CurrentRequest.exit(null);
        assertTrue(request.handedOff());
        Thread.sleep(20);
        Object published = VertxHooks.taskStarting(task);
        assertSame(request, CurrentRequest.current());
        VertxHooks.taskFinished(task, published);
        assertNull(CurrentRequest.current());
        assertNull(task.request, "a finished task lets its request go");
        recording.read(r -> {
            assertEquals(1, r.http().queue().cumulative().getTotalCount());
            assertTrue(r.http().queue().sum() >= 20_000_000L, "the 20 ms the task waited");
        });
        request.end(System.nanoTime());
    }
}
