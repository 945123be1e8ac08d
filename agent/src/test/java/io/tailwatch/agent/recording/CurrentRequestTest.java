package io.tailwatch.agent.recording;

import io.tailwatch.agent.config.AgentConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CurrentRequestTest {
    private Recording recording;

    @BeforeEach
    void install() {
        recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
        Recording.install(recording);
    }

    @AfterEach
    void uninstall() {
        Recording.install(null);
    }

    @Test
    void aRouteReachesTheRequestTheThreadIsHandlingAndNestingRestoresTheOuterOne() {
        CurrentRequest.want();
        ServerRequest outer = new ServerRequest();
        outer.begin(null, 0, "GET", -1);
        ServerRequest inner = new ServerRequest();
        inner.begin(null, 0, "POST", -1);

        ServerRequest none = CurrentRequest.enter(outer);
        assertNull(none);
        ServerRequest saved = CurrentRequest.enter(inner);
        CurrentRequest.route("/inner/{id}");
        CurrentRequest.exit(saved);
        CurrentRequest.route("/outer/{id}");
        CurrentRequest.exit(none);
        CurrentRequest.route("/nobody");

        outer.status(200);
        outer.end(10);
        inner.status(201);
        inner.end(10);
        for (RequestSeries s : recording.http().series().all()) {
            assertEquals(s.method().equals("GET") ? "/outer/{id}" : "/inner/{id}", s.route());
        }
        assertEquals(2, recording.http().series().all().size());
    }

    @Test
    void routeIfAbsentKeepsTheFirstDispatchsRoute() {
        CurrentRequest.want();
        ServerRequest request = new ServerRequest();
        request.begin(null, 0, "GET", -1);
        ServerRequest none = CurrentRequest.enter(request);
        CurrentRequest.routeIfAbsent("/throw");
        CurrentRequest.exit(none);
        ServerRequest again = CurrentRequest.enter(request);
        CurrentRequest.routeIfAbsent("/forwarded/{to}");
        CurrentRequest.routeIfAbsent(null);
        CurrentRequest.exit(again);
        CurrentRequest.routeIfAbsent("/unpublished");
        request.status(500);
        request.end(10);
        assertEquals(1, recording.http().series().all().size());
        assertEquals("/throw", recording.http().series().all().get(0).route());
    }
}
