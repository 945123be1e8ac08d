package io.tailwatch.collector.baseline;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The study's four load scenarios, each with its reference table (a resource of the jar). */
public enum Scenario {
    KEEPALIVE_WRK("keepalive-wrk", "keepalive-wrk-product-detail.csv", "wrk, keep-alive, product detail"),
    CLOSE_WRK("close-wrk", "close-wrk-login.csv", "wrk, Connection: close, login"),
    KEEPALIVE_AB("keepalive-ab", "keepalive-ab-payment-requests.csv", "ab -k, keep-alive, payment requests"),
    CLOSE_AB("close-ab", "close-ab-payment-callbacks.csv", "ab, Connection: close, payment callbacks");

    private final String id;
    private final String file;
    private final String description;

    Scenario(String id, String file, String description) {
        this.id = id;
        this.file = file;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public String file() {
        return file;
    }

    public String description() {
        return description;
    }

    /** The scenario named on the command line ({@code keepalive-wrk}, ...), or an error listing them. */
    public static Scenario byId(String id) {
        for (Scenario scenario : values()) {
            if (scenario.id.equals(id)) {
                return scenario;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + id + "'; one of " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(Scenario::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
