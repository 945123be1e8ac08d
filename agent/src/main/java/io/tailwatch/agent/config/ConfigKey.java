package io.tailwatch.agent.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every configuration key the agent understands, with its default and the text of its row in the
 * README's configuration table. A key is spelled {@code max.series} in agent arguments and
 * properties files, {@code -Dtailwatch.max.series} as a system property and
 * {@code TAILWATCH_MAX_SERIES} as an environment variable.
 */
public enum ConfigKey {
    CONFIG("config", "",
            "Path of a Java properties file holding more of these keys (lowest precedence)."),
    HOST("host", "0.0.0.0",
            "Address the metrics endpoint binds to. The default answers on every interface; use 127.0.0.1 to keep it local."),
    PORT("port", "9464",
            "Port of the metrics endpoint (`GET /metrics`). 0 picks a free port, printed in the start line."),
    WINDOW("window", "60s",
            "Sliding window of the exact quantiles (`*_quantile_seconds`): `500ms`, `30s`, `5m` or plain seconds; 6 s to 1 h."),
    BUCKETS("buckets", "0.0001,0.00025,0.0005,0.001,0.0025,0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10",
            "Upper bounds, in seconds, of the `http_server_request_duration_seconds` buckets, ascending; `+Inf` is always added."),
    MAX_SERIES("max.series", "1000",
            "Most label sets (method × status × error type) per HTTP metric; requests beyond go to one overflow series labelled `otel_metric_overflow=\"true\"`."),
    JFR("jfr", "on",
            "`on` streams GC pauses, concurrent cycles, safepoints, heap after GC and CPU load from JFR in-process and emits `tailwatch.SlowRequest` events; `off` leaves JFR alone."),
    HICCUP_INTERVAL("hiccup.interval", "10ms",
            "Interval of the hiccup meter (`1ms` to `1s`; `1ms` is jHiccup's resolution, at a cost measured in docs/PERFORMANCE.md), which is also the shortest stall counted against requests; `off` stops the meter and the request pause correlation."),
    SLOW_REQUEST("slow.request", "500ms",
            "Requests taking at least this long (`10ms` to `1h`) are emitted as the JFR event `tailwatch.SlowRequest`; `off` emits none."),
    AUTH_USER("auth.user", "",
            "User name the metrics endpoint requires by HTTP basic authentication, with `auth.password` or `auth.password.file`."),
    AUTH_PASSWORD("auth.password", "",
            "Password of `auth.user`. Visible to `ps` in agent arguments and system properties: prefer `auth.password.file` or the environment.", true),
    AUTH_PASSWORD_FILE("auth.password.file", "",
            "File holding the password of `auth.user` (UTF-8, surrounding white space ignored)."),
    AUTH_TOKEN("auth.token", "",
            "Bearer token the metrics endpoint accepts (`Authorization: Bearer TOKEN`), printable ASCII without spaces; with basic authentication as well, either is accepted.", true),
    AUTH_TOKEN_FILE("auth.token.file", "",
            "File holding the bearer token (surrounding white space ignored)."),
    TLS_KEYSTORE("tls.keystore", "",
            "PKCS12 or JKS keystore with the key and certificate of the metrics endpoint, which then speaks HTTPS only. If it cannot be used, the endpoint stays off (one line on standard error); it never falls back to plain HTTP."),
    TLS_KEYSTORE_PASSWORD("tls.keystore.password", "",
            "Password of the keystore and of its key. Prefer `tls.keystore.password.file` or the environment.", true),
    TLS_KEYSTORE_PASSWORD_FILE("tls.keystore.password.file", "",
            "File holding the keystore password (UTF-8, surrounding white space ignored)."),
    TLS_PROTOCOLS("tls.protocols", "TLSv1.3,TLSv1.2",
            "TLS versions the endpoint accepts: `TLSv1.3`, `TLSv1.2` or both.");

    private final String key;
    private final String defaultValue;
    private final String description;
    private final boolean secret;

    ConfigKey(String key, String defaultValue, String description) {
        this(key, defaultValue, description, false);
    }

    ConfigKey(String key, String defaultValue, String description, boolean secret) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.secret = secret;
    }

    /** Whether the value is a credential: it never appears in a warning, a log line or {@code toString}. */
    public boolean secret() {
        return secret;
    }

    /** The key as written in agent arguments and properties files. */
    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public String systemProperty() {
        return "tailwatch." + key;
    }

    public String environmentVariable() {
        return "TAILWATCH_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The key for a spelling in agent arguments or a properties file, or null if there is none. */
    static ConfigKey forKey(String key) {
        for (ConfigKey k : values()) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        return null;
    }

    static String knownKeys() {
        return Arrays.stream(values()).map(ConfigKey::key).collect(Collectors.joining(", "));
    }
}
