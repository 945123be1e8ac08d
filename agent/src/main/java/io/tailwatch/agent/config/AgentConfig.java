package io.tailwatch.agent.config;

import java.time.Duration;
import java.util.Arrays;

/**
 * The agent's configuration: immutable, built once at start by {@link ConfigLoader}, and handed to
 * every component that needs a setting. Nothing reads properties or the environment after that.
 */
public final class AgentConfig {
    private final String host;
    private final int port;
    private final Duration window;
    private final double[] bucketsSeconds;
    private final int maxSeries;
    private final boolean jfr;
    private final Duration hiccupInterval;
    private final Duration slowRequest;
    private final EndpointAccess endpointAccess;

    AgentConfig(String host, int port, Duration window, double[] bucketsSeconds, int maxSeries, boolean jfr,
                Duration hiccupInterval, Duration slowRequest, EndpointAccess endpointAccess) {
        this.host = host;
        this.port = port;
        this.window = window;
        this.bucketsSeconds = bucketsSeconds.clone();
        this.maxSeries = maxSeries;
        this.jfr = jfr;
        this.hiccupInterval = hiccupInterval;
        this.slowRequest = slowRequest;
        this.endpointAccess = endpointAccess;
    }

    /** The configuration with every key at its default. */
    public static AgentConfig defaults() {
        return ConfigLoader.load(null, new java.util.Properties(), java.util.Map.of(), line -> { });
    }

    /**
     * The address the metrics endpoint binds to, or null when the {@code host} setting was unusable:
     * the endpoint then stays off rather than listen more widely than asked.
     */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Duration window() {
        return window;
    }

    /** Histogram bucket upper bounds in seconds, ascending, without {@code +Inf}. */
    public double[] bucketsSeconds() {
        return bucketsSeconds.clone();
    }

    /** The same bounds in nanoseconds, as the recorders count them. */
    public long[] bucketsNanos() {
        long[] nanos = new long[bucketsSeconds.length];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = Math.round(bucketsSeconds[i] * 1e9);
        }
        return nanos;
    }

    public int maxSeries() {
        return maxSeries;
    }

    /** Whether the agent streams JFR events and emits its own. */
    public boolean jfr() {
        return jfr;
    }

    /** The hiccup meter's interval; zero when it is off. */
    public Duration hiccupInterval() {
        return hiccupInterval;
    }

    /** The duration from which a request is a {@code tailwatch.SlowRequest} JFR event; zero when off. */
    public Duration slowRequest() {
        return slowRequest;
    }

    /** Authentication and TLS of the metrics endpoint. */
    public EndpointAccess endpointAccess() {
        return endpointAccess;
    }

    @Override
    public String toString() {
        return "AgentConfig{host=" + host + ", port=" + port + ", window=" + window
                + ", buckets=" + Arrays.toString(bucketsSeconds) + ", maxSeries=" + maxSeries + ", jfr=" + jfr
                + ", hiccupInterval=" + hiccupInterval + ", slowRequest=" + slowRequest + ", " + endpointAccess + '}';
    }
}
