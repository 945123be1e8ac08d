package io.tailwatch.agent.recording;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestSeriesTableTest {
    private static final int GET = HttpMethods.indexOf("GET");
    private static final int POST = HttpMethods.indexOf("POST");

    @Test
    void sameMethodAndStatusIsTheSameSeries() {
        RequestSeriesTable table = new RequestSeriesTable(100, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        RequestSeries a = table.series(GET, 200, null);
        assertSame(a, table.series(GET, 200, null));
        assertNotSame(a, table.series(GET, 404, null));
        assertNotSame(a, table.series(POST, 200, null));
        assertEquals("GET", a.method());
        assertEquals("200", a.statusCode());
        assertNull(a.errorType());
        assertFalse(a.isOverflow());
        assertEquals(3, table.all().size());
        assertEquals(0, table.overflowedRequests());
    }

    @Test
    void sameExceptionIsTheSameSeries() {
        RequestSeriesTable table = new RequestSeriesTable(100, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        RequestSeries a = table.series(GET, 500, "java.io.IOException");
        assertSame(a, table.series(GET, 500, new String("java.io.IOException")));
        assertNotSame(a, table.series(GET, 500, null));
        assertNotSame(a, table.series(GET, 500, "java.lang.IllegalStateException"));
    }

    @Test
    void serverErrorStatusIsItsOwnErrorType() {
        RequestSeriesTable table = new RequestSeriesTable(100, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        assertEquals("500", table.series(GET, 500, null).errorType());
        assertEquals("503", table.series(POST, 503, null).errorType());
        assertEquals("599", table.series(GET, 599, null).errorType());
        assertNull(table.series(GET, 404, null).errorType());
        assertNull(table.series(GET, 499, null).errorType());
        assertNull(table.series(GET, 302, null).errorType());
    }

    @Test
    void noResponseHasOtherErrorTypeAndNoStatus() {
        RequestSeriesTable table = new RequestSeriesTable(100, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        RequestSeries s = table.series(GET, 0, null);
        assertNull(s.statusCode());
        assertEquals("_OTHER", s.errorType());
        assertSame(s, table.series(GET, -1, null));
    }

    @Test
    void exceptionClassIsTheErrorType() {
        RequestSeriesTable table = new RequestSeriesTable(100, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        RequestSeries noStatus = table.series(GET, 0, "java.io.IOException");
        assertEquals("java.io.IOException", noStatus.errorType());
        assertNull(noStatus.statusCode());
        RequestSeries withStatus = table.series(GET, 500, "java.lang.IllegalStateException");
        assertEquals("java.lang.IllegalStateException", withStatus.errorType());
        assertEquals("500", withStatus.statusCode());
        RequestSeries with200 = table.series(POST, 200, "java.lang.RuntimeException");
        assertEquals("java.lang.RuntimeException", with200.errorType());
        assertEquals("200", with200.statusCode());
        assertEquals("POST", with200.method());
    }

    @Test
    void outOfRangeStatusIsOther() {
        RequestSeriesTable table = new RequestSeriesTable(100, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        RequestSeries s = table.series(GET, 999, null);
        assertEquals("_OTHER", s.statusCode());
        assertNull(s.errorType());
        assertSame(s, table.series(GET, 600, null));
        assertSame(s, table.series(GET, 99, null));
        assertEquals("100", table.series(GET, 100, null).statusCode());
    }

    @Test
    void otherMethodIsLabelledOther() {
        RequestSeriesTable table = new RequestSeriesTable(100, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        assertEquals("_OTHER", table.series(HttpMethods.indexOf("PROPFIND"), 200, null).method());
    }

    @Test
    void labelSetsBeyondTheCapGoToTheOverflowSeries() {
        HttpServerRecorder http = new HttpServerRecorder(10, 60_000_000_000L, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        RequestSeriesTable table = http.series();
        for (int i = 0; i < 10; i++) {
            http.recordRequest(GET, 200 + i, null, 1000, -1, 10);
        }
        assertEquals(10, table.all().size());
        assertEquals(0, table.overflowedRequests());
        assertTrue(table.all().stream().noneMatch(RequestSeries::isOverflow));

        http.recordRequest(GET, 210, null, 2000, -1, 20);          // the 11th label set
        http.recordRequest(GET, 210, null, 3000, -1, 30);          // again
        http.recordRequest(POST, 200, null, 4000, -1, 40);         // another new one
        http.recordRequest(GET, 0, "java.io.IOException", 5000, -1, -1); // a new error label set
        http.recordRequest(GET, 200, null, 6000, -1, 60);          // an existing label set still has its series

        assertEquals(4, table.overflowedRequests());
        List<RequestSeries> all = table.all();
        assertEquals(11, all.size());
        RequestSeries overflow = all.get(10);
        assertTrue(overflow.isOverflow());
        assertNull(overflow.method());
        assertNull(overflow.statusCode());
        assertNull(overflow.errorType());
        http.harvest(0);
        assertEquals(4, count(overflow.duration()));
        assertEquals(2000 + 3000 + 4000 + 5000, overflow.duration().sum());
        assertEquals(20 + 30 + 40, overflow.responseBodyBytes());
        assertEquals(3, overflow.responseBodyCount());

        RequestSeries get200 = all.get(0);
        assertEquals("200", get200.statusCode());
        assertEquals(2, count(get200.duration()));
        assertFalse(get200.isOverflow());
    }

    @Test
    void bodySizesAreCountedOnlyWhenKnown() {
        HttpServerRecorder http = new HttpServerRecorder(100, 60_000_000_000L, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        http.recordRequest(POST, 201, null, 1000, 100, 7);
        http.recordRequest(POST, 201, null, 1000, -1, -1);
        http.recordRequest(POST, 201, null, 1000, 0, 0);
        RequestSeries s = http.series().all().get(0);
        assertEquals(100, s.requestBodyBytes());
        assertEquals(2, s.requestBodyCount());
        assertEquals(7, s.responseBodyBytes());
        assertEquals(2, s.responseBodyCount());
    }

    private static long count(BucketCounts b) {
        long[] cumulative = b.cumulativeCounts();
        return cumulative[cumulative.length - 1];
    }

    @Test
    void aRouteIsALabelOfItsOwn() {
        RequestSeriesTable table = new RequestSeriesTable(100, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        RequestSeries owners = table.series(GET, 200, null, "/owners/{ownerId}");
        assertEquals("/owners/{ownerId}", owners.route());
        assertSame(owners, table.series(GET, 200, null, "/owners/{ownerId}"));
        assertSame(owners, table.series(GET, 200, null, new String("/owners/{ownerId}")), "found by value, not identity");
        assertNotSame(owners, table.series(GET, 200, null), "a request without a route is another label set");
        assertNull(table.series(GET, 200, null).route());
        assertNotSame(owners, table.series(GET, 404, null, "/owners/{ownerId}"));
        assertNotSame(owners, table.series(POST, 200, null, "/owners/{ownerId}"));
        assertNotSame(owners, table.series(GET, 200, null, "/vets"));
        assertEquals("500", table.series(GET, 500, null, "/vets").errorType());
        RequestSeries thrown = table.series(GET, 500, "java.lang.IllegalStateException", "/vets");
        assertEquals("/vets", thrown.route());
        assertSame(thrown, table.series(GET, 500, "java.lang.IllegalStateException", "/vets"));
        assertNotSame(thrown, table.series(GET, 500, "java.lang.IllegalStateException", "/owners/{ownerId}"));
    }

    @Test
    void routesCountAgainstTheCapAndOverflowBeyondIt() {
        RequestSeriesTable table = new RequestSeriesTable(10, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        for (int i = 0; i < 10; i++) {
            assertFalse(table.series(GET, 200, null, "/route/" + i).isOverflow());
        }
        RequestSeries beyond = table.series(GET, 200, null, "/route/10");
        assertTrue(beyond.isOverflow());
        assertTrue(table.series(GET, 404, null, "/route/0").isOverflow(), "a new label set on a known route overflows too");
        assertFalse(table.series(GET, 200, null, "/route/3").isOverflow(), "known label sets keep recording");
        assertEquals(2, table.overflowedRequests());
        assertEquals(11, table.all().size(), "ten label sets and the overflow series");
    }
}
