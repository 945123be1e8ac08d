package io.tailwatch.collector.alert;

import io.tailwatch.collector.table.TargetRow;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules' states per target, advanced at each refresh: inactive, pending while the condition has
 * held for less than the rule's {@code for}, firing, and back to inactive through a resolved event.
 * Pending is as Prometheus has it: the condition must hold at every refresh, one refresh without it
 * starts the wait over. The clock is injected so that tests step time instead of sleeping.
 */
public final class AlertEvaluator {

    /** An alert that is pending or firing now. */
    public record Active(AlertRule rule, String target, String instance, boolean firing, double value, Instant since) {
    }

    private final List<AlertRule> rules;
    private final Clock clock;
    private final Map<Key, Active> active = new LinkedHashMap<>();

    private record Key(AlertRule rule, String target) {
    }

    public AlertEvaluator(List<AlertRule> rules, Clock clock) {
        this.rules = List.copyOf(rules);
        this.clock = clock;
    }

    public List<AlertRule> rules() {
        return rules;
    }

    /** Evaluates every rule on every row; returns the rows' state changes (firing, resolved) in order. */
    public synchronized List<AlertEvent> evaluate(List<TargetRow> rows) {
        Instant now = clock.instant();
        List<AlertEvent> events = new ArrayList<>();
        for (TargetRow row : rows) {
            // A target that could not be read has no figures: its alerts keep their state until it answers again,
            // so that one failed scrape neither resolves nor restarts them.
            if (row.error() != null) {
                continue;
            }
            for (AlertRule rule : rules) {
                Key key = new Key(rule, row.target());
                Active current = active.get(key);
                double value = row.figures().get(rule.column());
                if (rule.holds(row.figures())) {
                    boolean wasFiring = current != null && current.firing();
                    Instant pendingSince = current == null ? now : current.since();
                    boolean firing = wasFiring || Duration.between(pendingSince, now).compareTo(rule.forDuration()) >= 0;
                    // since: when it started pending, and once firing, when it fired (Alertmanager's startsAt).
                    Instant since = firing && !wasFiring ? now : pendingSince;
                    Active next = new Active(rule, row.target(), instance(row.target()), firing, value, since);
                    active.put(key, next);
                    if (firing && !wasFiring) {
                        events.add(new AlertEvent(AlertEvent.State.FIRING, rule, row.target(), next.instance(), value, now, null));
                    }
                } else if (current != null) {
                    active.remove(key);
                    if (current.firing()) {
                        events.add(new AlertEvent(AlertEvent.State.RESOLVED, rule, row.target(), current.instance(),
                                Double.isNaN(value) ? current.value() : value, current.since(), now));
                    }
                }
            }
        }
        return events;
    }

    /** Pending and firing alerts, oldest first. */
    public synchronized List<Active> active() {
        return List.copyOf(active.values());
    }

    /** The target's {@code host:port}, as Prometheus's instance label has it; the name itself when it is no URL. */
    static String instance(String target) {
        try {
            URI uri = URI.create(target);
            if (uri.getAuthority() != null) {
                return uri.getAuthority();
            }
        } catch (IllegalArgumentException e) {
            // A row named by a label value or a selector: it is its own instance.
        }
        return target;
    }
}
