package io.tailwatch.testservers.springmvc;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.tailwatch.testsupport.AbstractHttpServerIT.DURATION;
import static io.tailwatch.testsupport.AbstractHttpServerIT.get;
import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same routes where the application matches paths with {@code AntPathMatcher}
 * ({@code spring.mvc.pathmatch.matching-strategy=ant-path-matcher}, the choice of applications
 * older than Spring 5.3) instead of parsed {@code PathPattern}s: Spring sets the matched pattern
 * from another code path, which must give the same templates.
 */
class SpringMvcAntPathMatcherIT {
    @Test
    void routesAreTheTemplatesWithAntPathMatcherToo() throws Exception {
        ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"),
                List.of("-Dspring.mvc.pathmatch.matching-strategy=ant-path-matcher"), "host=127.0.0.1,port=0", List.of(),
                SpringMvcService.class.getName(), "0", "4");
        try {
            int port = service.servicePort();
            service.awaitStdout("PATH MATCHING AntPathMatcher");
            int metrics = service.metricsPort();
            MetricsScrape before = MetricsScrape.of(metrics);
            try (RawHttpClient client = new RawHttpClient(port)) {
                assertEquals(200, client.get("/owners/1", false).status);
                assertEquals(200, client.get("/owners/2", false).status);
                assertEquals(200, client.get("/owners/3/pets/4", false).status);
                assertEquals(404, client.get("/owners/1/unknown", false).status);
            }
            try (RawHttpClient client = new RawHttpClient(port)) {
                assertEquals(500, client.get("/throw", false).status);
            }
            MetricsScrape after = AbstractHttpServerIT.awaitDelta(metrics, before, DURATION + "_count", l -> true, 5);
            AbstractHttpServerIT.assertDelta(before, after, DURATION + "_count",
                    labelsExactly(Map.of("http_request_method", "GET", "http_response_status_code", "200",
                            "http_route", "/owners/{ownerId}")), 2);
            AbstractHttpServerIT.assertDelta(before, after, DURATION + "_count",
                    labelsExactly(Map.of("http_request_method", "GET", "http_response_status_code", "200",
                            "http_route", "/owners/{ownerId}/pets/{petId}")), 1);
            AbstractHttpServerIT.assertDelta(before, after, DURATION + "_count", labelsExactly(get(404)), 1);
            AbstractHttpServerIT.assertDelta(before, after, DURATION + "_count",
                    labelsExactly(Map.of("http_request_method", "GET", "http_response_status_code", "500",
                            "error_type", "java.lang.IllegalStateException", "http_route", "/throw")), 1);
        } finally {
            service.close();
        }
    }
}
