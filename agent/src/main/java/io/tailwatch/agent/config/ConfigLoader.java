package io.tailwatch.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Reads the configuration once, from four sources in this precedence: agent arguments,
 * {@code -Dtailwatch.*} system properties, {@code TAILWATCH_*} environment variables, and the
 * properties file named by {@code config}. A bad key or value never stops the agent: it becomes one
 * line for the warning sink, naming the key, the source and what is accepted, and the default is
 * used instead.
 */
public final class ConfigLoader {
    private static final String ENV_PREFIX = "TAILWATCH_";
    private static final String PROPERTY_PREFIX = "tailwatch.";

    private ConfigLoader() {
    }

    /**
     * @param agentArgs the {@code -javaagent:jar=ARGS} string: {@code key=value} pairs separated by
     *                  commas; a piece without {@code =} continues the previous value, so that
     *                  {@code buckets=0.1,1,port=9470} holds two keys
     * @param warnings  receives one line per problem, without a prefix
     */
    public static AgentConfig load(String agentArgs, Properties systemProperties, Map<String, String> environment,
                                   Consumer<String> warnings) {
        Map<ConfigKey, Setting> chosen = new EnumMap<>(ConfigKey.class);
        // Lowest precedence first, so that each later source overwrites.
        Map<ConfigKey, Setting> fromArgs = parseAgentArgs(agentArgs, warnings);
        Map<ConfigKey, Setting> fromProps = parseSystemProperties(systemProperties, warnings);
        Map<ConfigKey, Setting> fromEnv = parseEnvironment(environment, warnings);

        Setting configFile = firstOf(ConfigKey.CONFIG, fromArgs, fromProps, fromEnv);
        if (configFile != null && !configFile.value.isBlank()) {
            chosen.putAll(parseFile(configFile, warnings));
        }
        chosen.putAll(fromEnv);
        chosen.putAll(fromProps);
        chosen.putAll(fromArgs);

        String host = chosen.containsKey(ConfigKey.HOST) ? chosen.get(ConfigKey.HOST).value.trim() : ConfigKey.HOST.defaultValue();
        if (host.isEmpty()) {
            warnings.accept(invalid(chosen.get(ConfigKey.HOST), "a host name or IP address"));
            host = ConfigKey.HOST.defaultValue();
        }
        int port = parse(chosen, ConfigKey.PORT, warnings, "an integer from 0 to 65535", v -> {
            int p = Integer.parseInt(v);
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException();
            }
            return p;
        });
        Duration window = parse(chosen, ConfigKey.WINDOW, warnings,
                "a duration from 6s to 1h such as 500ms, 30s, 5m or plain seconds", v -> {
                    Duration d = parseDuration(v);
                    if (d.compareTo(Duration.ofSeconds(6)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
                        throw new IllegalArgumentException();
                    }
                    return d;
                });
        double[] buckets = parse(chosen, ConfigKey.BUCKETS, warnings,
                "positive numbers of seconds (at least 0.000001), ascending, separated by commas", ConfigLoader::parseBuckets);
        int maxSeries = parse(chosen, ConfigKey.MAX_SERIES, warnings, "an integer from 10 to 100000", v -> {
            int n = Integer.parseInt(v);
            if (n < 10 || n > 100_000) {
                throw new IllegalArgumentException();
            }
            return n;
        });
        boolean jfr = parse(chosen, ConfigKey.JFR, warnings, "on or off", ConfigLoader::parseSwitch);
        Duration hiccupInterval = parse(chosen, ConfigKey.HICCUP_INTERVAL, warnings, "off or a duration from 1ms to 1s such as 1ms or 10ms",
                v -> parseOptionalDuration(v, Duration.ofMillis(1), Duration.ofSeconds(1)));
        Duration slowRequest = parse(chosen, ConfigKey.SLOW_REQUEST, warnings, "off or a duration from 10ms to 1h such as 500ms or 2s",
                v -> parseOptionalDuration(v, Duration.ofMillis(10), Duration.ofHours(1)));
        return new AgentConfig(host, port, window, buckets, maxSeries, jfr, hiccupInterval, slowRequest);
    }

    private interface Parser<T> {
        T parse(String value);
    }

    private static <T> T parse(Map<ConfigKey, Setting> chosen, ConfigKey key, Consumer<String> warnings,
                               String accepted, Parser<T> parser) {
        Setting setting = chosen.get(key);
        if (setting != null) {
            try {
                return parser.parse(setting.value.trim());
            } catch (RuntimeException e) {
                warnings.accept(invalid(setting, accepted));
            }
        }
        return parser.parse(key.defaultValue());
    }

    private static String invalid(Setting setting, String accepted) {
        return "invalid value '" + printable(setting.value) + "' for '" + setting.key.key() + "' (from "
                + setting.source + "): expected " + accepted + "; using the default " + setting.key.defaultValue();
    }

    /** Keeps a warning on one line whatever a user typed. */
    static String printable(String value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && sb.length() < 80; i++) {
            char c = value.charAt(i);
            sb.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return value.length() > 80 ? sb + "..." : sb.toString();
    }

    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
        }
        if (s.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()));
        }
        if (s.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1).trim()));
        }
        if (s.endsWith("h")) {
            return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1).trim()));
        }
        return Duration.ofSeconds(Long.parseLong(s));
    }

    static boolean parseSwitch(String v) {
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "on": case "true": case "yes": return true;
            case "off": case "false": case "no": return false;
            default: throw new IllegalArgumentException();
        }
    }

    /** {@code off} (or {@code 0}) as zero, else a duration within the bounds. */
    static Duration parseOptionalDuration(String v, Duration min, Duration max) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.equals("off") || s.equals("0")) {
            return Duration.ZERO;
        }
        Duration d = parseDuration(s);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException();
        }
        return d;
    }

    static double[] parseBuckets(String v) {
        String[] parts = v.split(",");
        List<Double> values = new ArrayList<>();
        for (String part : parts) {
            String p = part.trim();
            if (p.isEmpty() || p.equalsIgnoreCase("+inf")) {
                continue;
            }
            double d = Double.parseDouble(p);
            if (!(d >= 1e-6) || Double.isInfinite(d) || (!values.isEmpty() && d <= values.get(values.size() - 1))) {
                throw new IllegalArgumentException();
            }
            values.add(d);
        }
        if (values.isEmpty() || values.size() > 100) {
            throw new IllegalArgumentException();
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Setting firstOf(ConfigKey key, Map<ConfigKey, Setting>... sources) {
        for (Map<ConfigKey, Setting> source : sources) {
            if (source.containsKey(key)) {
                return source.get(key);
            }
        }
        return null;
    }

    static Map<ConfigKey, Setting> parseAgentArgs(String agentArgs, Consumer<String> warnings) {
        Map<String, String> raw = new LinkedHashMap<>();
        if (agentArgs != null && !agentArgs.isBlank()) {
            String lastKey = null;
            for (String piece : agentArgs.split(",", -1)) {
                int eq = piece.indexOf('=');
                if (eq < 0) {
                    if (lastKey != null) {
                        raw.put(lastKey, raw.get(lastKey) + "," + piece);
                    } else if (!piece.isBlank()) {
                        warnings.accept("ignoring agent argument '" + printable(piece)
                                + "': expected key=value pairs separated by commas; known keys: " + ConfigKey.knownKeys());
                    }
                    continue;
                }
                lastKey = piece.substring(0, eq).trim();
                raw.put(lastKey, piece.substring(eq + 1));
            }
        }
        return toSettings(raw, "agent arguments", "", warnings);
    }

    private static Map<ConfigKey, Setting> parseSystemProperties(Properties properties, Consumer<String> warnings) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX)) {
                raw.put(name.substring(PROPERTY_PREFIX.length()), properties.getProperty(name));
            }
        }
        return toSettings(raw, "system property", PROPERTY_PREFIX, warnings);
    }

    private static Map<ConfigKey, Setting> parseEnvironment(Map<String, String> environment, Consumer<String> warnings) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            if (e.getKey().startsWith(ENV_PREFIX)) {
                String key = e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                raw.put(key, e.getValue());
            }
        }
        Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
        for (Map.Entry<String, String> e : raw.entrySet()) {
            ConfigKey key = ConfigKey.forKey(e.getKey());
            if (key == null) {
                warnings.accept("unknown environment variable " + printable(ENV_PREFIX + e.getKey().replace('.', '_').toUpperCase(Locale.ROOT))
                        + " ignored; known keys: " + ConfigKey.knownKeys());
            } else {
                settings.put(key, new Setting(key, e.getValue(), "environment variable " + key.environmentVariable()));
            }
        }
        return settings;
    }

    private static Map<ConfigKey, Setting> parseFile(Setting file, Consumer<String> warnings) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(file.value.trim()))) {
            properties.load(in);
        } catch (IOException | RuntimeException e) {
            warnings.accept("cannot read the config file '" + printable(file.value) + "' (from " + file.source + "): "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + printable(e.getMessage()))
                    + "; continuing without it");
            return Map.of();
        }
        Map<String, String> raw = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            String key = name.startsWith(PROPERTY_PREFIX) ? name.substring(PROPERTY_PREFIX.length()) : name;
            raw.put(key, properties.getProperty(name));
        }
        raw.remove(ConfigKey.CONFIG.key());
        return toSettings(raw, "config file " + printable(file.value.trim()), "", warnings);
    }

    private static Map<ConfigKey, Setting> toSettings(Map<String, String> raw, String source, String prefix,
                                                      Consumer<String> warnings) {
        Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
        for (Map.Entry<String, String> e : raw.entrySet()) {
            ConfigKey key = ConfigKey.forKey(e.getKey());
            if (key == null) {
                warnings.accept("unknown key '" + prefix + printable(e.getKey()) + "' (from " + source
                        + ") ignored; known keys: " + ConfigKey.knownKeys());
            } else {
                settings.put(key, new Setting(key, e.getValue(), source));
            }
        }
        return settings;
    }

    /** One key's raw value and where it came from, for warnings. */
    static final class Setting {
        final ConfigKey key;
        final String value;
        final String source;

        Setting(ConfigKey key, String value, String source) {
            this.key = key;
            this.value = value == null ? "" : value;
            this.source = source;
        }
    }
}
