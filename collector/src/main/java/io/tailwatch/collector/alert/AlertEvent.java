package io.tailwatch.collector.alert;

import java.time.Instant;

/**
 * A change of an alert's state for one target.
 *
 * @param startsAt when the alert fired (for a resolved event too, so that receivers can match the two)
 * @param endsAt   when it resolved; null while firing
 */
public record AlertEvent(State state, AlertRule rule, String target, String instance, double value, Instant startsAt,
                         Instant endsAt) {

    public enum State { FIRING, RESOLVED }

    public Instant at() {
        return endsAt != null ? endsAt : startsAt;
    }

    /** The one line printed for it. */
    public String line() {
        return "alert " + state.name().toLowerCase(java.util.Locale.ROOT) + ": " + rule.text() + " on " + instance + " (value "
                + rule.describe(value) + ")";
    }
}
