package io.tailwatch.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the configuration once, from four sources in this precedence: agent arguments,
 * {@code -Dtailwatch.*} system properties, {@code TAILWATCH_*} environment variables, and the
 * properties file named by {@code config}. A bad key or value never stops the agent: it becomes one
 * line for the warning sink, naming the key, the source and what is accepted, and the default is
 * used instead. Whatever the input, the sink gets a bounded number of lines (at most one per key,
 * one per source for unknown keys, one for stray agent arguments and one for the config file), each
 * without a line break, and never the value of a {@linkplain ConfigKey#secret() secret} key.
 */
public final class ConfigLoader {
    private static final String ENV_PREFIX = "TAILWATCH_";
    private static final String PROPERTY_PREFIX = "tailwatch.";
    /** A config file is a few lines; anything bigger (or a device such as /dev/zero) is not one. */
    static final int MAX_CONFIG_FILE_BYTES = 1 << 20;
    /** How many offending names a warning lists before it says "and N more". */
    private static final int NAMES_LISTED = 5;

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
        } else if (!isHostLike(host)) {
            // Not the default: a mistyped restriction must not open the endpoint on every interface.
            Setting setting = chosen.get(ConfigKey.HOST);
            warnings.accept("invalid value '" + printable(setting.value) + "' for 'host' (from " + setting.source
                    + "): expected a host name or IP address; the metrics endpoint stays off rather than listen wider than asked");
            host = null;
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
        String[] tlsProtocols = parse(chosen, ConfigKey.TLS_PROTOCOLS, warnings, "TLSv1.3, TLSv1.2 or both, separated by commas",
                ConfigLoader::parseTlsProtocols);
        EndpointAccess access = new EndpointAccess(plain(chosen, ConfigKey.AUTH_USER), plain(chosen, ConfigKey.AUTH_PASSWORD),
                plain(chosen, ConfigKey.AUTH_PASSWORD_FILE), plain(chosen, ConfigKey.AUTH_TOKEN), plain(chosen, ConfigKey.AUTH_TOKEN_FILE),
                plain(chosen, ConfigKey.TLS_KEYSTORE), plain(chosen, ConfigKey.TLS_KEYSTORE_PASSWORD),
                plain(chosen, ConfigKey.TLS_KEYSTORE_PASSWORD_FILE), tlsProtocols);
        return new AgentConfig(host, port, window, buckets, maxSeries, jfr, hiccupInterval, slowRequest, access);
    }

    /**
     * A value taken as written, surrounding white space removed (a password with leading or trailing
     * spaces belongs in a file, which is trimmed the same way).
     */
    private static String plain(Map<ConfigKey, Setting> chosen, ConfigKey key) {
        Setting setting = chosen.get(key);
        return setting == null ? key.defaultValue() : setting.value.strip();
    }

    /** Letters, digits and the punctuation of names and addresses; no white space or control character. */
    static boolean isHostLike(String host) {
        if (host.length() > 255) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == ':' || c == '%' || c == '_'
                    || c == '[' || c == ']')) {
                return false;
            }
        }
        return true;
    }

    static String[] parseTlsProtocols(String v) {
        Set<String> protocols = new LinkedHashSet<>();
        for (String part : v.split(",", -1)) {
            String p = part.trim();
            if (p.equalsIgnoreCase("TLSv1.3")) {
                protocols.add("TLSv1.3");
            } else if (p.equalsIgnoreCase("TLSv1.2")) {
                protocols.add("TLSv1.2");
            } else {
                throw new IllegalArgumentException();
            }
        }
        return protocols.toArray(new String[0]);
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
        String value = setting.key.secret() ? "(hidden)" : "'" + printable(setting.value) + "'";
        return "invalid value " + value + " for '" + setting.key.key() + "' (from "
                + setting.source + "): expected " + accepted + "; using the default " + setting.key.defaultValue();
    }

    /** {@code 'a', 'b', 'c' and 4 more}, each name made printable. */
    private static String listed(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size() && i < NAMES_LISTED; i++) {
            sb.append(i == 0 ? "" : ", ").append(names.get(i));
        }
        if (names.size() > NAMES_LISTED) {
            sb.append(" and ").append(names.size() - NAMES_LISTED).append(" more");
        }
        return sb.toString();
    }

    /** Keeps a warning on one line whatever a user typed: controls replaced, at most 80 characters. */
    public static String printable(String value) {
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
        Set<String> afterSecret = new HashSet<>();
        List<String> stray = new ArrayList<>();
        if (agentArgs != null && !agentArgs.isBlank()) {
            String lastKey = null;
            for (String piece : agentArgs.split(",", -1)) {
                int eq = piece.indexOf('=');
                if (eq < 0) {
                    if (lastKey != null) {
                        raw.put(lastKey, raw.get(lastKey) + "," + piece);
                    } else if (!piece.isBlank()) {
                        stray.add("'" + printable(piece) + "'");
                    }
                    continue;
                }
                String key = piece.substring(0, eq).trim();
                ConfigKey previous = lastKey == null ? null : ConfigKey.forKey(lastKey);
                if (previous != null && previous.secret() && ConfigKey.forKey(key) == null) {
                    // Most likely a secret with ",x=" in it: its pieces must not reach the log as key names.
                    afterSecret.add(key);
                }
                lastKey = key;
                raw.put(lastKey, piece.substring(eq + 1));
            }
        }
        if (!stray.isEmpty()) {
            warnings.accept("ignoring agent argument" + (stray.size() == 1 ? " " : "s ") + listed(stray)
                    + ": expected key=value pairs separated by commas; known keys: " + ConfigKey.knownKeys());
        }
        return toSettings(raw, "agent arguments", "", afterSecret, warnings);
    }

    private static Map<ConfigKey, Setting> parseSystemProperties(Properties properties, Consumer<String> warnings) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX)) {
                raw.put(name.substring(PROPERTY_PREFIX.length()), properties.getProperty(name));
            }
        }
        return toSettings(raw, "system property", PROPERTY_PREFIX, Set.of(), warnings);
    }

    private static Map<ConfigKey, Setting> parseEnvironment(Map<String, String> environment, Consumer<String> warnings) {
        Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            if (e.getKey() == null || !e.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            String key = e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            ConfigKey configKey = ConfigKey.forKey(key);
            if (configKey == null) {
                unknown.add(printable(e.getKey()));
            } else {
                settings.put(configKey, new Setting(configKey, e.getValue(), "environment variable " + configKey.environmentVariable()));
            }
        }
        if (!unknown.isEmpty()) {
            unknown.sort(null);
            warnings.accept("unknown environment variable" + (unknown.size() == 1 ? " " : "s ") + listed(unknown)
                    + " ignored; known keys: " + ConfigKey.knownKeys());
        }
        return settings;
    }

    private static Map<ConfigKey, Setting> parseFile(Setting file, Consumer<String> warnings) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(readConfigFile(Path.of(file.value.trim()))));
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
        return toSettings(raw, "config file " + printable(file.value.trim()), "", Set.of(), warnings);
    }

    /**
     * A regular file of at most {@link #MAX_CONFIG_FILE_BYTES}, as UTF-8, or ISO-8859-1 (what
     * {@code Properties.store} writes) when it is not valid UTF-8. A FIFO or a device would block the
     * application's start or never end, so only regular files are read.
     */
    static String readConfigFile(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException(Files.isDirectory(path) ? "is a directory" : Files.exists(path) ? "not a regular file" : "no such file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_CONFIG_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_CONFIG_FILE_BYTES) {
            throw new IOException("larger than " + MAX_CONFIG_FILE_BYTES + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * @param hidden names not to print: in agent arguments, an unknown key right after a secret
     *               value is most likely part of that secret
     */
    private static Map<ConfigKey, Setting> toSettings(Map<String, String> raw, String source, String prefix,
                                                      Set<String> hidden, Consumer<String> warnings) {
        Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            ConfigKey key = ConfigKey.forKey(e.getKey());
            if (key == null) {
                unknown.add(hidden.contains(e.getKey()) ? "<not shown: it follows a secret value>"
                        : "'" + prefix + printable(e.getKey()) + "'");
            } else {
                settings.put(key, new Setting(key, e.getValue(), source));
            }
        }
        if (!unknown.isEmpty()) {
            String advice = hidden.isEmpty() ? "" : "; a secret holding ',' belongs in a *.file key or the environment";
            warnings.accept("unknown key" + (unknown.size() == 1 ? " " : "s ") + listed(unknown) + " (from " + source
                    + ") ignored" + advice + "; known keys: " + ConfigKey.knownKeys());
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
