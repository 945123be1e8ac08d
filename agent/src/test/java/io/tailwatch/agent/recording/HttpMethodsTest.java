package io.tailwatch.agent.recording;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HttpMethodsTest {
    private static final String[] KNOWN = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};

    @Test
    void knownMethodsHaveDistinctIndexesThatNameThemBack() {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (String m : KNOWN) {
            int i = HttpMethods.indexOf(m);
            assertEquals(m, HttpMethods.name(i));
            assertEquals(true, i != HttpMethods.OTHER, m);
            assertEquals(true, seen.add(i), m);
        }
        assertEquals("_OTHER", HttpMethods.name(HttpMethods.OTHER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", "Get", "FOO", "", " GET", "GET ", "PROPFIND", "_OTHER"})
    void otherSpellingsAreOther(String method) {
        assertEquals(HttpMethods.OTHER, HttpMethods.indexOf(method));
    }

    @Test
    void nullIsOther() {
        assertEquals(HttpMethods.OTHER, HttpMethods.indexOf(null));
        assertEquals(HttpMethods.OTHER, HttpMethods.indexOfRequestLine(null));
    }

    @Test
    void requestLineOfEachKnownMethod() {
        for (String m : KNOWN) {
            assertEquals(HttpMethods.indexOf(m), HttpMethods.indexOfRequestLine(m + " /x HTTP/1.1"), m);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"get /x HTTP/1.1", "GETX / HTTP/1.1", "GET", "GET/ HTTP/1.1", "", "garbage", "\u0000\u0001",
            " GET / HTTP/1.1", "POS / HTTP/1.1", "PATCHY / HTTP/1.1"})
    void junkRequestLinesAreOther(String line) {
        assertEquals(HttpMethods.OTHER, HttpMethods.indexOfRequestLine(line));
    }

    @Test
    void requestLineWithOnlyMethodAndSpace() {
        assertEquals(HttpMethods.indexOf("GET"), HttpMethods.indexOfRequestLine("GET "));
    }
}
