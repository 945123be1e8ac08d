package io.tailwatch.testservers.vertx5;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;
import io.tailwatch.testsupport.RouteLabels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.tailwatch.testsupport.AbstractHttpServerIT.DURATION;
import static io.tailwatch.testsupport.AbstractHttpServerIT.get;
import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent attached to a Vert.x 5 server that has served without it: Netty's classes and Vert.x's
 * are loaded, so the Netty instrumentation measures through each channel's attribute, and the Vert.x
 * one names routes and records a handler's exception through the same attribute, without fields.
 */
class Vertx5AttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), Vertx5Service.class.getName(), "0", "2");
    }

    @Override
    protected String instrumentationName() {
        return "netty";
    }

    /** Vert.x Web catches the exception and fails the routing context: 500. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    @Override
    protected Predicate<Map<String, String>> series(Map<String, String> labels) {
        return RouteLabels.anyRouteOf(Vertx5IT.ROUTES, labels);
    }

    /**
     * After the attach, Vert.x is measured rather than marked unmeasured: an exact route names its
     * requests, also on a connection opened before the attach, and a regular-expression route none.
     */
    @Test
    void attachedRoutesStillNameTheirRequests() throws Exception {
        Path jdk = ForkedService.jdk(jdkProperty());
        try (ForkedService service = startWithoutAgent(jdk)) {
            int port = service.servicePort();
            try (RawHttpClient before = new RawHttpClient(port)) {
                assertEquals(200, before.get("/owners/1", false).status);
                ForkedService.Attach attach = ForkedService.attach(jdk, service.pid(), "host=127.0.0.1,port=0");
                assertEquals(0, attach.exit, attach.output);
                assertTrue(attach.output.contains("vertx: its classes were loaded before the agent started, so its requests"),
                        attach.output);
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, before.get("/owners/" + i, false).status);
                    assertEquals(200, before.get("/owners/" + i + "/pets/7", false).status);
                }
                assertEquals(200, before.get("/files/notes.txt", false).status);
                assertEquals(404, before.get("/owners", false).status);
            }
            MetricsScrape after = io.tailwatch.testsupport.AbstractHttpServerIT.awaitDelta(service.metricsPort(),
                    MetricsScrape.empty(), DURATION + "_count", l -> true, 8);
            assertEquals(3, after.sum(DURATION + "_count", labelsExactly(RouteLabels.routed(get(200), "/owners/:ownerId"))),
                    after.text);
            assertEquals(3, after.sum(DURATION + "_count",
                    labelsExactly(RouteLabels.routed(get(200), "/owners/:ownerId/pets/:petId"))), after.text);
            assertEquals(1, after.sum(DURATION + "_count", labelsExactly(get(200))), after.text);
            assertEquals(1, after.sum(DURATION + "_count", labelsExactly(Map.of("http_request_method", "GET",
                    "http_response_status_code", "404"))), after.text);
            RouteLabels.assertOnlyTemplates(after, Vertx5IT.ROUTES);
            assertEquals(1, after.value("tailwatch_agent_instrumentation_mode", Map.of("name", "vertx", "mode", "handler_start")),
                    after.text);
            assertEquals(0, after.sum("tailwatch_agent_errors_total"), after.text);
        }
    }
}
