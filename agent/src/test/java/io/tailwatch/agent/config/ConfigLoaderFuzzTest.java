package io.tailwatch.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random and mutated agent arguments, system properties, environments and config files, thrown at
 * {@link ConfigLoader#load}. Whatever comes in: it returns a configuration within every key's
 * bounds, never throws, and warns in whole single lines, a bounded number of them (at most one per
 * key for a bad value, one per source for unknown keys, one for stray arguments, one for the file),
 * none holding a secret's value.
 *
 * <p>Seeded: the seed is printed, and {@code -Dtailwatch.fuzz.seed=N} replays a run;
 * {@code -Dtailwatch.fuzz.rounds=N} runs longer.
 */
class ConfigLoaderFuzzTest {
    private static final String CANARY = "SECRETCANARY";
    private static final ConfigKey[] KEYS = ConfigKey.values();
    private static final String[] NASTY = {
            "", " ", "=", ",", "==", ",,", "=,=,=,", ",=,=,=", "\n", "\r\n", "\u0000", "\u001b[2J", "\u0085", "\u2028", "\u2029",
            "\ud83d\ude00", "\ud800", "\udfff", "\u202e", "\ufeff", "ü", "日本語", "-1", "-0", "0", "00", "0x10", "1e309", "NaN",
            "Infinity", "-Infinity", "99999999999999999999", "9223372036854775807", "9223372036854775807h", "-9223372036854775808ms",
            "1.5s", "1ms", "1s", "6s", "1h", "500ms", "off", "on", "OFF", "true", "maybe", "+Inf", "0.1,0.01", "0.1,+inf,1",
            "TLSv1.3", "TLSv1.2", "TLSv1.1", "tlsv1.3,TLSv1.2,", "SSLv3", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "local host",
            "localhost\n", "%", "\\", "\\u00", "\\uZZZZ", "#", "!", ":", "'", "\"", "${env.HOME}", "$(id)", "`id`"};
    private static final List<String> SOURCES = List.of("agent arguments", "system property", "environment variable", "config file");

    @TempDir
    Path dir;

    private final long seed = Long.getLong("tailwatch.fuzz.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private int fileCounter;

    private String where() {
        return "seed " + seed + " (replay with -Dtailwatch.fuzz.seed=" + seed + ")";
    }

    @Test
    void randomInputsNeverBreakTheLoader() throws IOException {
        System.out.println("ConfigLoaderFuzzTest seed " + seed);
        int rounds = Integer.getInteger("tailwatch.fuzz.rounds", 3000);
        for (int round = 0; round < rounds; round++) {
            String args = random.nextInt(10) == 0 ? null : agentArgs();
            Properties props = properties();
            Map<String, String> env = environment();
            String configPath = random.nextInt(3) == 0 ? configFile() : null;
            if (configPath != null) {
                switch (random.nextInt(3)) {
                    case 0: args = (args == null ? "" : args + ",") + "config=" + configPath; break;
                    case 1: props.setProperty("tailwatch.config", configPath); break;
                    default: env.put("TAILWATCH_CONFIG", configPath);
                }
            }
            check(round, args, props, env);
        }
    }

    /** Secrets written as whole values (never split by a comma) must not reach a warning, whatever else is wrong. */
    @Test
    void secretValuesNeverReachAWarning() throws IOException {
        System.out.println("ConfigLoaderFuzzTest seed " + seed);
        ConfigKey[] secrets = {ConfigKey.AUTH_PASSWORD, ConfigKey.AUTH_TOKEN, ConfigKey.TLS_KEYSTORE_PASSWORD};
        for (int round = 0; round < 500; round++) {
            StringBuilder args = new StringBuilder();
            Properties props = properties();
            Map<String, String> env = environment();
            StringBuilder file = new StringBuilder();
            for (ConfigKey secret : secrets) {
                String value = NASTY[random.nextInt(NASTY.length)].replace(",", "").replace("=", "") + CANARY
                        + NASTY[random.nextInt(NASTY.length)].replace(",", "").replace("=", "");
                switch (random.nextInt(4)) {
                    case 0: args.append(secret.key()).append('=').append(value).append(','); break;
                    case 1: props.setProperty(secret.systemProperty(), value); break;
                    case 2: env.put(secret.environmentVariable(), value); break;
                    default: file.append(secret.key()).append('=').append(value.replace("\\", "\\\\").replace("\n", "\\n")
                            .replace("\r", "\\r")).append('\n');
                }
            }
            args.append(agentArgs());
            Path f = dir.resolve("secrets-" + round + ".properties");
            write(f, file + randomProperties());
            props.setProperty("tailwatch.config", f.toString());
            List<String> warnings = check(round, args.toString(), props, env);
            for (String w : warnings) {
                assertFalse(w.contains(CANARY), () -> where() + ": a secret reached a warning: " + w);
            }
        }
    }

    /** A password with ",x=" in agent arguments: its pieces must not be printed as a key name. */
    @Test
    void aSecretSplitByACommaIsNotPrintedAsAKeyName() {
        List<String> warnings = new ArrayList<>();
        ConfigLoader.load("auth.user=u,auth.password=first" + CANARY + ",second" + CANARY + "=third" + CANARY + ",port=9470",
                new Properties(), Map.of(), warnings::add);
        assertEquals(1, warnings.size(), warnings::toString);
        assertFalse(warnings.get(0).contains(CANARY), warnings.get(0));
        assertTrue(warnings.get(0).contains("*.file"), warnings.get(0));
    }

    @Test
    void aConfigFileThatIsAFifoOrADeviceDoesNotBlockTheStart() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        for (String path : new String[] {fifo.toString(), "/dev/zero", "/dev/stdin", "/dev/urandom"}) {
            List<String> warnings = new ArrayList<>();
            // Opening a FIFO without a writer blocks forever; reading /dev/zero never ends.
            AgentConfig c = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> ConfigLoader.load("config=" + path, new Properties(), Map.of(), warnings::add));
            assertEquals(9464, c.port());
            assertEquals(1, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).contains("not a regular file") || warnings.get(0).contains("no such file"), warnings::toString);
        }
    }

    @Test
    void aConfigFileOverOneMebibyteIsRefusedInOneLine() throws IOException {
        Path big = dir.resolve("big.properties");
        Files.writeString(big, "port=9470\n" + "#".repeat(ConfigLoader.MAX_CONFIG_FILE_BYTES));
        List<String> warnings = new ArrayList<>();
        AgentConfig c = ConfigLoader.load("config=" + big, new Properties(), Map.of(), warnings::add);
        assertEquals(9464, c.port());
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("larger than"), warnings::toString);
    }

    @Test
    void aUtf8ConfigFileIsReadAsUtf8AndALatin1OneAsLatin1() throws IOException {
        Path utf8 = Files.write(dir.resolve("utf8.properties"), "auth.user=jürgen\n".getBytes(StandardCharsets.UTF_8));
        Path latin1 = Files.write(dir.resolve("latin1.properties"), "auth.user=jürgen\n".getBytes(StandardCharsets.ISO_8859_1));
        for (Path f : List.of(utf8, latin1)) {
            List<String> warnings = new ArrayList<>();
            AgentConfig c = ConfigLoader.load("config=" + f, new Properties(), Map.of(), warnings::add);
            assertEquals("jürgen", c.endpointAccess().user(), f.toString());
            assertEquals(List.of(), warnings);
        }
    }

    @Test
    void manyUnknownKeysAreOneLinePerSource() throws IOException {
        StringBuilder args = new StringBuilder();
        Properties props = new Properties();
        Map<String, String> env = new HashMap<>();
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            args.append("unknown").append(i).append("=x,");
            props.setProperty("tailwatch.unknown" + i, "x");
            env.put("TAILWATCH_UNKNOWN" + i, "x");
            file.append("unknown").append(i).append("=x\n");
        }
        Path f = Files.writeString(dir.resolve("many.properties"), file);
        List<String> warnings = new ArrayList<>();
        ConfigLoader.load("stray1,stray2," + args + "config=" + f, props, env, warnings::add);
        assertEquals(5, warnings.size(), warnings::toString);
        for (String w : warnings) {
            assertTrue(w.length() < 2000, w);
            assertTrue(w.contains("and 9995 more") || w.startsWith("ignoring agent arguments"), w);
        }
    }

    @Test
    void aHostThatIsNoHostNameKeepsTheEndpointOffInsteadOfOpeningItWider() {
        for (String host : new String[] {"127.0.0.1\n0.0.0.0", "local host", "127.0.\u00000.1", "a".repeat(300)}) {
            List<String> warnings = new ArrayList<>();
            AgentConfig c = ConfigLoader.load(null, new Properties(), Map.of("TAILWATCH_HOST", host), warnings::add);
            assertEquals(null, c.host(), host);
            assertEquals(1, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).contains("stays off"), warnings::toString);
        }
    }

    // ---------------------------------------------------------------- the invariants

    private List<String> check(int round, String args, Properties props, Map<String, String> env) {
        List<String> warnings = new ArrayList<>();
        AgentConfig c;
        try {
            c = ConfigLoader.load(args, props, env, warnings::add);
        } catch (Throwable t) {
            throw new AssertionError(where() + ", round " + round + ": load threw for args=" + show(args) + " props=" + props
                    + " env=" + env, t);
        }
        String input = where() + ", round " + round + ", args=" + show(args);
        assertNotNull(c, input);
        assertValid(c, input);
        for (String w : warnings) {
            assertFalse(w.isEmpty(), input);
            assertTrue(w.chars().noneMatch(ch -> Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029'),
                    () -> input + ": warning not one clean line: " + show(w));
            assertTrue(w.length() < 2000, () -> input + ": warning of " + w.length() + " characters");
        }
        for (ConfigKey key : KEYS) {
            long lines = warnings.stream().filter(w -> w.startsWith("invalid value") && w.contains(" for '" + key.key() + "' ")).count();
            assertTrue(lines <= 1, () -> input + ": " + lines + " lines for " + key.key() + ": " + warnings);
        }
        for (String source : SOURCES) {
            long lines = warnings.stream().filter(w -> w.startsWith("unknown") && w.contains(source)).count();
            assertTrue(lines <= 1, () -> input + ": " + lines + " unknown-key lines from " + source + ": " + warnings);
        }
        assertTrue(warnings.stream().filter(w -> w.startsWith("ignoring agent argument")).count() <= 1, () -> input + warnings);
        assertTrue(warnings.stream().filter(w -> w.startsWith("cannot read the config file")).count() <= 1, () -> input + warnings);
        assertTrue(warnings.size() <= KEYS.length + SOURCES.size() + 2, () -> input + ": " + warnings.size() + " lines: " + warnings);
        return warnings;
    }

    private static void assertValid(AgentConfig c, String input) {
        assertTrue(c.port() >= 0 && c.port() <= 65535, input);
        assertTrue(c.host() == null || !c.host().isEmpty() && ConfigLoader.isHostLike(c.host()), () -> input + ": host " + show(c.host()));
        assertTrue(c.window().compareTo(Duration.ofSeconds(6)) >= 0 && c.window().compareTo(Duration.ofHours(1)) <= 0, input);
        double[] buckets = c.bucketsSeconds();
        assertTrue(buckets.length >= 1 && buckets.length <= 100, input);
        for (int i = 0; i < buckets.length; i++) {
            assertTrue(buckets[i] >= 1e-6 && Double.isFinite(buckets[i]) && (i == 0 || buckets[i] > buckets[i - 1]), input);
        }
        assertTrue(c.maxSeries() >= 10 && c.maxSeries() <= 100_000, input);
        Duration hiccup = c.hiccupInterval();
        assertTrue(hiccup.isZero() || hiccup.compareTo(Duration.ofMillis(1)) >= 0 && hiccup.compareTo(Duration.ofSeconds(1)) <= 0, input);
        Duration slow = c.slowRequest();
        assertTrue(slow.isZero() || slow.compareTo(Duration.ofMillis(10)) >= 0 && slow.compareTo(Duration.ofHours(1)) <= 0, input);
        EndpointAccess access = c.endpointAccess();
        assertNotNull(access, input);
        assertFalse(access.tlsProtocols().isEmpty(), input);
        assertTrue(List.of("TLSv1.3", "TLSv1.2").containsAll(access.tlsProtocols()), input);
        for (String value : List.of(access.user(), access.password(), access.passwordFile(), access.token(), access.tokenFile(),
                access.keystore(), access.keystorePassword(), access.keystorePasswordFile())) {
            assertNotNull(value, input);
            assertEquals(value.strip(), value, input);
        }
        String text = c.toString();
        assertFalse(text.contains(CANARY), () -> input + ": toString shows a secret: " + text);
    }

    private static String show(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 300; i++) {
            char ch = s.charAt(i);
            sb.append(ch >= 0x20 && ch < 0x7f ? String.valueOf(ch) : String.format("\\u%04x", (int) ch));
        }
        return s.length() > 300 ? sb + "...(" + s.length() + " chars)" : sb.toString();
    }

    // ---------------------------------------------------------------- the generators

    private String key() {
        switch (random.nextInt(8)) {
            case 0: return text(random.nextInt(12));
            case 1: return KEYS[random.nextInt(KEYS.length)].key() + text(1);
            case 2: return KEYS[random.nextInt(KEYS.length)].key().toUpperCase(java.util.Locale.ROOT);
            case 3: return " " + KEYS[random.nextInt(KEYS.length)].key() + " ";
            default: return KEYS[random.nextInt(KEYS.length)].key();
        }
    }

    private String value() {
        switch (random.nextInt(10)) {
            case 0: return text(random.nextInt(40));
            case 1: return random.nextInt(50) == 0 ? text(100_000) : text(random.nextInt(2000));
            case 2: return NASTY[random.nextInt(NASTY.length)] + NASTY[random.nextInt(NASTY.length)];
            case 3: return KEYS[random.nextInt(KEYS.length)].defaultValue();
            case 4: return Long.toString(random.nextLong());
            case 5: return random.nextInt(100) + (random.nextBoolean() ? "ms" : "s");
            default: return NASTY[random.nextInt(NASTY.length)];
        }
    }

    /** Characters from everywhere: ASCII, the separators, controls, any UTF-16 unit (lone surrogates included). */
    private String text(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(6)) {
                case 0: sb.append((char) (0x20 + random.nextInt(0x5f))); break;
                case 1: sb.append(",=,= \t".charAt(random.nextInt(6))); break;
                case 2: sb.append((char) random.nextInt(0x20)); break;
                case 3: sb.append((char) random.nextInt(0x10000)); break;
                default: sb.append((char) ('a' + random.nextInt(26)));
            }
        }
        return sb.toString();
    }

    private String agentArgs() {
        StringBuilder sb = new StringBuilder();
        int pieces = random.nextInt(random.nextInt(20) == 0 ? 2000 : 12);
        for (int i = 0; i < pieces; i++) {
            if (i > 0) {
                sb.append(',');
            }
            switch (random.nextInt(6)) {
                case 0: sb.append(value()); break; // a stray piece, or a continuation
                case 1: sb.append("=".repeat(random.nextInt(4))).append(",".repeat(random.nextInt(4))); break;
                default: sb.append(key()).append('=').append(value());
            }
        }
        return random.nextInt(4) == 0 ? mutate(sb.toString()) : sb.toString();
    }

    private String mutate(String s) {
        StringBuilder sb = new StringBuilder(s);
        int edits = 1 + random.nextInt(8);
        for (int i = 0; i < edits; i++) {
            int at = sb.length() == 0 ? 0 : random.nextInt(sb.length());
            switch (random.nextInt(3)) {
                case 0: sb.insert(at, text(1 + random.nextInt(3))); break;
                case 1: if (sb.length() > 0) { sb.deleteCharAt(at); } break;
                default: if (sb.length() > 0) { sb.setCharAt(at, text(1).charAt(0)); }
            }
        }
        return sb.toString();
    }

    private Properties properties() {
        Properties props = new Properties();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            props.setProperty(random.nextInt(5) == 0 ? key() : "tailwatch." + key(), value());
        }
        if (random.nextInt(10) == 0) {
            props.put("tailwatch.port", 9470); // not a string: ignored, as stringPropertyNames() skips it
        }
        return props;
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            String name = random.nextInt(4) == 0 ? "TAILWATCH_" + text(random.nextInt(10))
                    : "TAILWATCH_" + key().trim().replace('.', '_').toUpperCase(java.util.Locale.ROOT);
            env.put(name, value());
        }
        return env;
    }

    private String randomProperties() {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(10);
        for (int i = 0; i < n; i++) {
            sb.append(random.nextInt(4) == 0 ? key() + key() : key()).append(random.nextBoolean() ? "=" : random.nextBoolean() ? ":" : " ")
                    .append(value()).append(random.nextInt(8) == 0 ? "\\" : "").append(random.nextBoolean() ? "\n" : "\r\n");
        }
        return sb.toString();
    }

    /** As UTF-8, a lone surrogate becoming '?'. */
    private static void write(Path f, String content) throws IOException {
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The path of something to use as the config file: a file of any content, or anything but a readable file. */
    private String configFile() throws IOException {
        Path f = dir.resolve("config-" + fileCounter++ + ".properties");
        switch (random.nextInt(12)) {
            case 0: {
                byte[] bytes = new byte[random.nextInt(4096)];
                random.nextBytes(bytes);
                Files.write(f, bytes);
                return f.toString();
            }
            case 1: return dir.toString();
            case 2: return dir.resolve("missing-" + fileCounter).toString();
            case 3: return f + "\u0000";
            case 4: return random.nextBoolean() ? "/dev/zero" : "/dev/null";
            case 5: return " " + text(random.nextInt(20));
            case 6: {
                write(f, randomProperties());
                try {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
                } catch (UnsupportedOperationException ignored) {
                    // not POSIX: an ordinary file then
                }
                return f.toString();
            }
            case 7: {
                Files.write(f, mutate(randomProperties()).getBytes(StandardCharsets.ISO_8859_1));
                return f.toString();
            }
            default: {
                write(f, randomProperties());
                return random.nextInt(10) == 0 ? " " + f + "\t" : f.toString();
            }
        }
    }

    @Test
    void theGeneratorsReachEveryKindOfWarning() throws IOException {
        // A fuzz test that never produced a warning of some kind would prove nothing about it.
        List<String> all = new ArrayList<>();
        for (int round = 0; round < 2000; round++) {
            Properties props = properties();
            Map<String, String> env = environment();
            String args = agentArgs();
            if (round % 3 == 0) {
                props.setProperty("tailwatch.config", configFile());
            }
            ConfigLoader.load(args, props, env, all::add);
        }
        for (String kind : new String[] {"invalid value", "unknown key", "unknown environment variable", "ignoring agent argument",
                "cannot read the config file", "stays off"}) {
            assertTrue(all.stream().anyMatch(w -> w.contains(kind)), () -> where() + ": no warning of kind '" + kind + "'");
        }
        if (all.isEmpty()) {
            fail("no warnings at all");
        }
    }
}
