package io.tailwatch.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    private static final double[] DEFAULT_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();
    private String args;
    private final Properties props = new Properties();
    private final Map<String, String> env = new HashMap<>();

    private AgentConfig load() {
        return ConfigLoader.load(args, props, env, warnings::add);
    }

    private Path file(String content) throws IOException {
        Path f = dir.resolve("tailwatch.properties");
        Files.writeString(f, content);
        return f;
    }

    private static void assertDefaults(AgentConfig c) {
        assertEquals("0.0.0.0", c.host());
        assertEquals(9464, c.port());
        assertEquals(Duration.ofSeconds(60), c.window());
        assertArrayEquals(DEFAULT_BUCKETS, c.bucketsSeconds());
        assertEquals(1000, c.maxSeries());
    }

    @Test
    void defaultsWithNothingSet() {
        props.setProperty("java.version", "17");   // unrelated properties and variables are ignored
        env.put("PATH", "/usr/bin");
        AgentConfig c = load();
        assertDefaults(c);
        assertEquals(List.of(), warnings);
    }

    @Test
    void defaultsFactoryMatchesTheKeysDefaults() {
        assertDefaults(AgentConfig.defaults());
        assertEquals("0.0.0.0", ConfigKey.HOST.defaultValue());
        assertEquals("9464", ConfigKey.PORT.defaultValue());
        assertEquals("60s", ConfigKey.WINDOW.defaultValue());
        assertEquals("1000", ConfigKey.MAX_SERIES.defaultValue());
        assertArrayEquals(DEFAULT_BUCKETS, ConfigLoader.parseBuckets(ConfigKey.BUCKETS.defaultValue()));
    }

    @Test
    void emptyAndBlankAgentArgumentsAreNothing() {
        args = "";
        assertDefaults(load());
        args = "   ";
        assertDefaults(load());
        assertEquals(List.of(), warnings);
    }

    @Test
    void precedenceArgsOverPropertiesOverEnvironmentOverFile() throws IOException {
        Path f = file("port=1111\n");
        env.put("TAILWATCH_CONFIG", f.toString());
        env.put("TAILWATCH_PORT", "2222");
        props.setProperty("tailwatch.port", "3333");
        args = "port=4444";
        assertEquals(4444, load().port());

        args = null;
        assertEquals(3333, load().port());

        props.remove("tailwatch.port");
        assertEquals(2222, load().port());

        env.remove("TAILWATCH_PORT");
        assertEquals(1111, load().port());
        assertEquals(List.of(), warnings);
    }

    @Test
    void eachSourceContributesItsOwnKeys() throws IOException {
        Path f = file("max.series=50\nwindow=5m\n");
        env.put("TAILWATCH_CONFIG", f.toString());
        env.put("TAILWATCH_MAX_SERIES", "60");
        env.put("TAILWATCH_HOST", "127.0.0.1");
        props.setProperty("tailwatch.port", "9999");
        props.setProperty("tailwatch.host", "localhost");
        args = "buckets=0.5,1";
        AgentConfig c = load();
        assertEquals("localhost", c.host());
        assertEquals(9999, c.port());
        assertEquals(Duration.ofMinutes(5), c.window());
        assertArrayEquals(new double[] {0.5, 1}, c.bucketsSeconds());
        assertEquals(60, c.maxSeries());
        assertEquals(List.of(), warnings);
    }

    @Test
    void configKeyFromAgentArguments() throws IOException {
        Path f = file("port=1234\n");
        args = "config=" + f;
        assertEquals(1234, load().port());
        assertEquals(List.of(), warnings);
    }

    @Test
    void configKeyFromSystemProperty() throws IOException {
        Path f = file("port=1235\n");
        props.setProperty("tailwatch.config", f.toString());
        assertEquals(1235, load().port());
        assertEquals(List.of(), warnings);
    }

    @Test
    void configKeyFromEnvironment() throws IOException {
        Path f = file("port=1236\n");
        env.put("TAILWATCH_CONFIG", f.toString());
        assertEquals(1236, load().port());
        assertEquals(List.of(), warnings);
    }

    @Test
    void configKeyFollowsThePrecedenceToo() throws IOException {
        Path fromArgs = dir.resolve("args.properties");
        Files.writeString(fromArgs, "port=2001\n");
        Path fromProps = dir.resolve("props.properties");
        Files.writeString(fromProps, "port=2002\n");
        Path fromEnv = dir.resolve("env.properties");
        Files.writeString(fromEnv, "port=2003\n");
        env.put("TAILWATCH_CONFIG", fromEnv.toString());
        props.setProperty("tailwatch.config", fromProps.toString());
        args = "config=" + fromArgs;
        assertEquals(2001, load().port());
        args = null;
        assertEquals(2002, load().port());
        props.clear();
        assertEquals(2003, load().port());
        assertEquals(List.of(), warnings);
    }

    @Test
    void configFileAcceptsPrefixedKeysAndDoesNotFollowItsOwnConfigKey() throws IOException {
        Path other = dir.resolve("other.properties");
        Files.writeString(other, "port=7777\n");
        Path f = file("tailwatch.port=1237\nconfig=" + other + "\n");
        args = "config=" + f;
        assertEquals(1237, load().port());
        assertEquals(List.of(), warnings);
    }

    @Test
    void agentArgumentPieceWithoutEqualsContinuesThePreviousValue() {
        args = "buckets=0.1,1,port=9470";
        AgentConfig c = load();
        assertArrayEquals(new double[] {0.1, 1}, c.bucketsSeconds());
        assertEquals(9470, c.port());
        assertEquals(List.of(), warnings);
    }

    @Test
    void agentArgumentsSurroundingSpacesAreTrimmed() {
        args = "port = 9471 , window= 30s";
        AgentConfig c = load();
        assertEquals(9471, c.port());
        assertEquals(Duration.ofSeconds(30), c.window());
        assertEquals(List.of(), warnings);
    }

    @Test
    void leadingAgentArgumentWithoutKeyIsOneWarning() {
        args = "9470,port=9472";
        AgentConfig c = load();
        assertEquals(9472, c.port());
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("9470"), warnings::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"port=0", "port=65535", "window=6s", "window=6000ms", "window=1h", "window=90",
            "max.series=10", "max.series=100000", "buckets=0.1,1,+Inf", "host=127.0.0.1"})
    void acceptedValuesGiveNoWarning(String arg) {
        args = arg;
        AgentConfig c = load();
        assertEquals(List.of(), warnings);
        String value = arg.substring(arg.indexOf('=') + 1);
        switch (arg.substring(0, arg.indexOf('='))) {
            case "port": assertEquals(Integer.parseInt(value), c.port()); break;
            case "window": assertEquals(ConfigLoader.parseDuration(value), c.window()); break;
            case "max.series": assertEquals(Integer.parseInt(value), c.maxSeries()); break;
            case "buckets": assertArrayEquals(new double[] {0.1, 1}, c.bucketsSeconds()); break;
            default: assertEquals(value, c.host());
        }
    }

    /** key, bad value, words of "what is accepted", reads the field, its default. */
    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("port", "abc", "integer from 0 to 65535", (Function<AgentConfig, Object>) AgentConfig::port, 9464),
                Arguments.of("port", "70000", "integer from 0 to 65535", (Function<AgentConfig, Object>) AgentConfig::port, 9464),
                Arguments.of("port", "-1", "integer from 0 to 65535", (Function<AgentConfig, Object>) AgentConfig::port, 9464),
                Arguments.of("window", "1s", "6s to 1h", (Function<AgentConfig, Object>) AgentConfig::window, Duration.ofSeconds(60)),
                Arguments.of("window", "2h", "6s to 1h", (Function<AgentConfig, Object>) AgentConfig::window, Duration.ofSeconds(60)),
                Arguments.of("window", "soon", "6s to 1h", (Function<AgentConfig, Object>) AgentConfig::window, Duration.ofSeconds(60)),
                Arguments.of("buckets", "0.5,0.1", "ascending", (Function<AgentConfig, Object>) c -> List.of(box(c.bucketsSeconds())), List.of(box(DEFAULT_BUCKETS))),
                Arguments.of("buckets", "0,1", "positive", (Function<AgentConfig, Object>) c -> List.of(box(c.bucketsSeconds())), List.of(box(DEFAULT_BUCKETS))),
                Arguments.of("max.series", "5", "integer from 10 to 100000", (Function<AgentConfig, Object>) AgentConfig::maxSeries, 1000),
                Arguments.of("host", " ", "host name or IP address", (Function<AgentConfig, Object>) AgentConfig::host, "0.0.0.0"));
    }

    private static Double[] box(double[] values) {
        Double[] boxed = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    private static void assertOneInvalidWarning(List<String> warnings, String key, String source, String accepted) {
        assertEquals(1, warnings.size(), warnings::toString);
        String w = warnings.get(0);
        assertTrue(w.contains("'" + key + "'"), () -> "names the key: " + w);
        assertTrue(w.contains(source), () -> "names the source '" + source + "': " + w);
        assertTrue(w.contains(accepted), () -> "says what is accepted: " + w);
        assertTrue(w.contains("default"), () -> "says the default is used: " + w);
        assertEquals(1, w.lines().count(), w);
    }

    @ParameterizedTest(name = "{0}={1} in agent arguments")
    @MethodSource("badValues")
    void badValueInAgentArgumentsWarnsOnceAndUsesDefault(String key, String value, String accepted,
                                                         Function<AgentConfig, Object> field, Object expected) {
        args = key + "=" + value;
        assertEquals(expected, field.apply(load()));
        assertOneInvalidWarning(warnings, key, "agent arguments", accepted);
    }

    @ParameterizedTest(name = "{0}={1} as system property")
    @MethodSource("badValues")
    void badValueInSystemPropertyWarnsOnceAndUsesDefault(String key, String value, String accepted,
                                                         Function<AgentConfig, Object> field, Object expected) {
        props.setProperty("tailwatch." + key, value);
        assertEquals(expected, field.apply(load()));
        assertOneInvalidWarning(warnings, key, "system property", accepted);
    }

    @ParameterizedTest(name = "{0}={1} in environment")
    @MethodSource("badValues")
    void badValueInEnvironmentWarnsOnceAndUsesDefault(String key, String value, String accepted,
                                                      Function<AgentConfig, Object> field, Object expected) {
        String variable = "TAILWATCH_" + key.replace('.', '_').toUpperCase(java.util.Locale.ROOT);
        env.put(variable, value);
        assertEquals(expected, field.apply(load()));
        assertOneInvalidWarning(warnings, key, "environment variable " + variable, accepted);
    }

    @ParameterizedTest(name = "{0}={1} in config file")
    @MethodSource("badValues")
    void badValueInConfigFileWarnsOnceAndUsesDefault(String key, String value, String accepted,
                                                     Function<AgentConfig, Object> field, Object expected) throws IOException {
        Properties p = new Properties();
        p.setProperty(key, value);
        Path f = dir.resolve("bad.properties");
        try (var out = Files.newOutputStream(f)) {
            p.store(out, null);
        }
        args = "config=" + f;
        assertEquals(expected, field.apply(load()));
        assertOneInvalidWarning(warnings, key, "config file " + f, accepted);
    }

    @Test
    void badValueInAHigherSourceUsesTheDefaultNotALowerSource() {
        env.put("TAILWATCH_PORT", "9500");
        args = "port=abc";
        assertEquals(9464, load().port());
        assertEquals(1, warnings.size(), warnings::toString);
    }

    @Test
    void unknownKeyInAgentArguments() {
        args = "colour=red,port=9470";
        assertEquals(9470, load().port());
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("colour"), warnings::toString);
        assertTrue(warnings.get(0).contains("agent arguments"), warnings::toString);
    }

    @Test
    void unknownKeyInSystemProperties() {
        props.setProperty("tailwatch.colour", "red");
        assertDefaults(load());
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("tailwatch.colour"), warnings::toString);
    }

    @Test
    void unknownKeyInEnvironment() {
        env.put("TAILWATCH_COLOUR", "red");
        assertDefaults(load());
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("TAILWATCH_COLOUR"), warnings::toString);
    }

    @Test
    void unknownKeyInConfigFile() throws IOException {
        Path f = file("colour=red\nport=9473\n");
        args = "config=" + f;
        assertEquals(9473, load().port());
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("colour"), warnings::toString);
        assertTrue(warnings.get(0).contains("config file"), warnings::toString);
    }

    @Test
    void missingConfigFileIsOneWarning() {
        Path missing = dir.resolve("does-not-exist.properties");
        args = "config=" + missing + ",port=9474";
        AgentConfig c = load();
        assertEquals(9474, c.port());
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains(missing.toString()), warnings::toString);
        assertTrue(warnings.get(0).contains("agent arguments"), warnings::toString);
    }

    /**
     * A value a user typed must not split a warning over lines or smuggle terminal controls into the
     * log: every ISO control character (C0, DEL and C1, such as NEL U+0085 and CSI U+009B) is replaced.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r", "\r\n", "\t", "\u0000", "\u001b[31m", "\u007f", "\u0085", "\u009b31m"})
    void controlCharacterInAValueKeepsTheWarningOnOneLine(String control) {
        args = "port=94" + control + "70";
        assertEquals(9464, load().port());
        assertEquals(1, warnings.size(), warnings::toString);
        String w = warnings.get(0);
        assertEquals(1, w.lines().count(), w);
        assertTrue(w.chars().noneMatch(Character::isISOControl), () -> "control character in: " + w.replace("\n", "\\n"));
    }

    @Test
    void controlCharacterInAnUnknownKeyKeepsTheWarningOnOneLine() {
        props.setProperty("tailwatch.col\nour", "red");
        load();
        assertEquals(1, warnings.size(), warnings::toString);
        assertEquals(1, warnings.get(0).lines().count(), warnings.get(0));
    }

    @Test
    void controlCharacterInAnUnknownEnvironmentVariableKeepsTheWarningOnOneLine() {
        env.put("TAILWATCH_COL\nOUR", "red");
        load();
        assertEquals(1, warnings.size(), warnings::toString);
        assertEquals(1, warnings.get(0).lines().count(), warnings.get(0));
    }

    @Test
    void environmentVariableSpellingMapsToDottedKey() {
        env.put("TAILWATCH_MAX_SERIES", "77");
        assertEquals(77, load().maxSeries());
        assertEquals("TAILWATCH_MAX_SERIES", ConfigKey.MAX_SERIES.environmentVariable());
        assertEquals("tailwatch.max.series", ConfigKey.MAX_SERIES.systemProperty());
        assertEquals(List.of(), warnings);
    }
}
