package io.tailwatch.agent.export;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialsTest {
    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private final Credentials basicOnly = Credentials.of("prometheus", "s3cret:with:colons", "");
    private final Credentials tokenOnly = Credentials.of("", "", "tok-123.abc");
    private final Credentials both = Credentials.of("prometheus", "pässwörd", "tok-123.abc");

    @Test
    void noCredentialsPermitEverything() {
        Credentials none = Credentials.of("", "", "");
        assertFalse(none.required());
        assertTrue(none.permits(null));
        assertTrue(none.permits("Basic garbage"));
        assertEquals("", none.challenges());
    }

    @Test
    void basicAuthWithTheRightUserAndPassword() {
        assertTrue(basicOnly.permits(basic("prometheus:s3cret:with:colons")));
        // RFC 9110 11.1: the scheme is case-insensitive; extra spaces before the credentials are allowed.
        assertTrue(basicOnly.permits("basic   " + basic("prometheus:s3cret:with:colons").substring(6)));
        assertTrue(basicOnly.permits("BASIC " + basic("prometheus:s3cret:with:colons").substring(6)));
    }

    @Test
    void basicAuthPasswordIsUtf8() {
        assertTrue(both.permits(basic("prometheus:pässwörd")));
        String latin1 = "Basic " + Base64.getEncoder().encodeToString("prometheus:pässwörd".getBytes(StandardCharsets.ISO_8859_1));
        assertFalse(both.permits(latin1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"prometheus:wrong", "prometheus:s3cret:with:colon", "prometheus:s3cret:with:colonsX",
            "Prometheus:s3cret:with:colons", "prometheus", ":s3cret:with:colons", "", "prometheus:"})
    void basicAuthWithAnythingElseIsRefused(String userAndPassword) {
        assertFalse(basicOnly.permits(basic(userAndPassword)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "Basic", "Basic ", "Basic !!!not-base64!!!", "Basic cHJvbWV0aGV1cw", "Bearer tok-123.abc",
            "Digest username=\"prometheus\"", "prometheus:s3cret:with:colons"})
    void malformedOrOtherSchemesAreRefused(String header) {
        assertFalse(basicOnly.permits(header));
    }

    @Test
    void missingHeaderIsRefused() {
        assertFalse(basicOnly.permits(null));
        assertFalse(tokenOnly.permits(null));
        assertFalse(both.permits(null));
    }

    @Test
    void bearerToken() {
        assertTrue(tokenOnly.permits("Bearer tok-123.abc"));
        assertTrue(tokenOnly.permits("bearer tok-123.abc"));
        assertFalse(tokenOnly.permits("Bearer tok-123.ab"));
        assertFalse(tokenOnly.permits("Bearer tok-123.abcd"));
        assertFalse(tokenOnly.permits("Bearer TOK-123.ABC"));
        assertFalse(tokenOnly.permits("Bearer"));
        assertFalse(tokenOnly.permits(basic("prometheus:tok-123.abc")));
    }

    @Test
    void withBothEitherIsAccepted() {
        assertTrue(both.permits("Bearer tok-123.abc"));
        assertTrue(both.permits(basic("prometheus:pässwörd")));
        assertFalse(both.permits(basic("prometheus:tok-123.abc")));
        assertEquals("basic auth or bearer token", both.describe());
    }

    @Test
    void challengesNameEachAcceptedScheme() {
        assertEquals("WWW-Authenticate: Basic realm=\"tailwatch\", charset=\"UTF-8\"\r\n", basicOnly.challenges());
        assertEquals("WWW-Authenticate: Bearer realm=\"tailwatch\"\r\n", tokenOnly.challenges());
        assertTrue(both.challenges().contains("Basic realm") && both.challenges().contains("Bearer realm"));
    }

    @Test
    void describeNeverHoldsASecret() {
        for (Credentials c : new Credentials[] {basicOnly, tokenOnly, both}) {
            String d = c.describe() + c.challenges();
            assertFalse(d.contains("s3cret") || d.contains("tok-123") || d.contains("pässwörd") || d.contains("prometheus"), d);
        }
    }
}
