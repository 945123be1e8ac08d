package io.tailwatch.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keys of the JVM monitoring: jfr, hiccup.interval and slow.request. */
class JvmConfigKeysTest {
    private final List<String> warnings = new ArrayList<>();

    private AgentConfig load(String args) {
        return ConfigLoader.load(args, new Properties(), Map.of(), warnings::add);
    }

    @Test
    void defaultsWatchEverything() {
        AgentConfig c = AgentConfig.defaults();
        assertTrue(c.jfr());
        assertEquals(Duration.ofMillis(10), c.hiccupInterval());
        assertEquals(Duration.ofMillis(500), c.slowRequest());
    }

    @Test
    void eachPartCanBeTurnedOff() {
        AgentConfig c = load("jfr=off,hiccup.interval=off,slow.request=0");
        assertEquals(List.of(), warnings);
        assertFalse(c.jfr());
        assertEquals(Duration.ZERO, c.hiccupInterval());
        assertEquals(Duration.ZERO, c.slowRequest());
    }

    @Test
    void environmentVariablesNameThemToo() {
        AgentConfig c = ConfigLoader.load(null, new Properties(),
                Map.of("TAILWATCH_HICCUP_INTERVAL", "1ms", "TAILWATCH_SLOW_REQUEST", "2s", "TAILWATCH_JFR", "false"), warnings::add);
        assertEquals(List.of(), warnings);
        assertEquals(Duration.ofMillis(1), c.hiccupInterval());
        assertEquals(Duration.ofSeconds(2), c.slowRequest());
        assertFalse(c.jfr());
    }

    @ParameterizedTest
    @CsvSource({"jfr=maybe, on or off", "hiccup.interval=2s, 1ms to 1s", "hiccup.interval=0.5ms, 1ms to 1s",
            "slow.request=5ms, 10ms to 1h", "slow.request=soon, 10ms to 1h"})
    void aBadValueIsOneLineAndTheDefault(String arg, String accepted) {
        AgentConfig c = load(arg);
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains(accepted), warnings::toString);
        AgentConfig defaults = AgentConfig.defaults();
        assertEquals(defaults.jfr(), c.jfr());
        assertEquals(defaults.hiccupInterval(), c.hiccupInterval());
        assertEquals(defaults.slowRequest(), c.slowRequest());
    }
}
