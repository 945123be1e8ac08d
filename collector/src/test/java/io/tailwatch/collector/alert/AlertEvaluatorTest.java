package io.tailwatch.collector.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.Figures;
import io.tailwatch.collector.table.TargetRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pending → firing → resolved state machine, with a clock the test steps. */
class AlertEvaluatorTest {

    private static final String TARGET = "http://127.0.0.1:9464/metrics";

    /** A clock that moves only when told. */
    static final class StepClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static List<TargetRow> p99(double ms) {
        return List.of(new TargetRow(TARGET, 10, 100, 100, 0, new Figures(Map.of(Column.P99_LATENCY, ms)), null));
    }

    @Test
    void pendingForTheRulesDurationThenFiringThenResolved() {
        StepClock clock = new StepClock();
        AlertEvaluator evaluator = new AlertEvaluator(List.of(AlertRule.parse("p99 > 10ms for 30s")), clock);
        Instant start = clock.now;

        assertEquals(List.of(), evaluator.evaluate(p99(20)));
        assertEquals(1, evaluator.active().size());
        assertEquals(false, evaluator.active().get(0).firing(), "pending");
        assertEquals(start, evaluator.active().get(0).since());

        clock.advance(Duration.ofSeconds(29));
        assertEquals(List.of(), evaluator.evaluate(p99(25)), "29 s of 30: still pending");

        clock.advance(Duration.ofSeconds(1));
        List<AlertEvent> fired = evaluator.evaluate(p99(30));
        assertEquals(1, fired.size());
        AlertEvent firing = fired.get(0);
        assertEquals(AlertEvent.State.FIRING, firing.state());
        assertEquals(30.0, firing.value());
        assertEquals(clock.now, firing.startsAt());
        assertNull(firing.endsAt());
        assertEquals("127.0.0.1:9464", firing.instance());
        assertEquals("alert firing: p99 > 10ms for 30s on 127.0.0.1:9464 (value 30.000 ms)", firing.line());
        Instant firedAt = clock.now;

        clock.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), evaluator.evaluate(p99(40)), "already firing: no second event");
        assertTrue(evaluator.active().get(0).firing());
        assertEquals(40.0, evaluator.active().get(0).value());

        clock.advance(Duration.ofSeconds(1));
        List<AlertEvent> resolved = evaluator.evaluate(p99(5));
        assertEquals(1, resolved.size());
        assertEquals(AlertEvent.State.RESOLVED, resolved.get(0).state());
        assertEquals(firedAt, resolved.get(0).startsAt());
        assertEquals(clock.now, resolved.get(0).endsAt());
        assertEquals(5.0, resolved.get(0).value());
        assertEquals(List.of(), evaluator.active());
    }

    @Test
    void oneRefreshBelowTheThresholdStartsThePendingWaitOver() {
        StepClock clock = new StepClock();
        AlertEvaluator evaluator = new AlertEvaluator(List.of(AlertRule.parse("p99 > 10ms for 30s")), clock);
        evaluator.evaluate(p99(20));
        clock.advance(Duration.ofSeconds(20));
        assertEquals(List.of(), evaluator.evaluate(p99(1)), "a pending alert that ends was never firing: nothing to resolve");
        assertEquals(List.of(), evaluator.active());
        clock.advance(Duration.ofSeconds(20));
        evaluator.evaluate(p99(20));
        clock.advance(Duration.ofSeconds(20));
        assertEquals(List.of(), evaluator.evaluate(p99(20)), "20 s since it started again");
        clock.advance(Duration.ofSeconds(10));
        assertEquals(AlertEvent.State.FIRING, evaluator.evaluate(p99(20)).get(0).state());
    }

    @Test
    void withoutForItFiresAtOnceAndAnUnreadableTargetKeepsItsState() {
        StepClock clock = new StepClock();
        AlertEvaluator evaluator = new AlertEvaluator(List.of(AlertRule.parse("p99 > 10ms")), clock);
        assertEquals(AlertEvent.State.FIRING, evaluator.evaluate(p99(11)).get(0).state());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), evaluator.evaluate(List.of(TargetRow.failed(TARGET, "connection refused"))));
        assertTrue(evaluator.active().get(0).firing(), "a failed scrape neither resolves nor restarts it");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(AlertEvent.State.RESOLVED, evaluator.evaluate(p99(Double.NaN)).get(0).state(),
                "a window without requests has no P99: the condition no longer holds");
    }

    @Test
    void alertmanagerGetsLabelsAnnotationsAndEndsAtWhenResolved() throws Exception {
        AlertRule rule = AlertRule.parse("error_rate > 1%");
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        AlertEvent resolved = new AlertEvent(AlertEvent.State.RESOLVED, rule, TARGET, "127.0.0.1:9464", 0.5, start,
                start.plusSeconds(60));
        JsonNode alert = new ObjectMapper().readTree(AlertmanagerSink.body(List.of(resolved))).get(0);
        assertEquals("error_rate > 1%", alert.path("labels").path("alertname").asText());
        assertEquals(TARGET, alert.path("labels").path("target").asText());
        assertEquals("127.0.0.1:9464", alert.path("labels").path("instance").asText());
        assertEquals("0.50 %", alert.path("annotations").path("value").asText());
        assertEquals("2026-01-01T00:00:00Z", alert.path("startsAt").asText());
        assertEquals("2026-01-01T00:01:00Z", alert.path("endsAt").asText());

        JsonNode hook = new ObjectMapper().readTree(WebhookSink.body(List.of(resolved))).path("alerts").get(0);
        assertEquals("resolved", hook.path("status").asText());
        assertEquals(0.5, hook.path("value").asDouble());
        assertEquals(1.0, hook.path("threshold").asDouble());
    }
}
