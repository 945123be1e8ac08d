package io.tailwatch.collector.scrape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the collector's {@code --agent-*} options turn into, and the one line each mistake costs. */
class AgentAccessTest {
    @TempDir
    Path dir;

    private static String authorization(AgentAccess access) {
        HttpRequest request = access.configure(HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/metrics"))).build();
        return request.headers().firstValue("Authorization").orElse(null);
    }

    @Test
    void basicCredentialsAndATokenBecomeTheAuthorizationHeader() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "  s3cret:with colon\n");
        AgentAccess basic = AgentAccess.of("scraper", password, null, null);
        assertEquals("Basic " + Base64.getEncoder().encodeToString("scraper:s3cret:with colon".getBytes(StandardCharsets.UTF_8)),
                authorization(basic), "the file's surrounding white space is not the password's");
        assertTrue(basic.hasCredentials());

        Path token = Files.writeString(dir.resolve("token"), "tok-123\n");
        assertEquals("Bearer tok-123", authorization(AgentAccess.of(null, null, token, null)));

        assertEquals(null, authorization(AgentAccess.NONE));
        assertFalse(AgentAccess.NONE.hasCredentials());
    }

    @Test
    void eachMistakeIsOneLineNamingItsOption() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "pw\n");
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        Path spaced = Files.writeString(dir.resolve("spaced-token"), "two words\n");
        Path notACertificate = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        assertMessage("--agent-user and --agent-password-file go together", () -> AgentAccess.of("u", null, null, null));
        assertMessage("--agent-user and --agent-password-file go together", () -> AgentAccess.of(null, password, null, null));
        assertMessage("--agent-user and --agent-token-file are two ways to authenticate: give one",
                () -> AgentAccess.of("u", password, password, null));
        assertMessage("--agent-user cannot hold ':' (HTTP basic authentication separates the password with it)",
                () -> AgentAccess.of("a:b", password, null, null));
        assertMessage("--agent-password-file: " + empty + " is empty", () -> AgentAccess.of("u", empty, null, null));
        assertMessage("--agent-password-file: cannot read " + dir.resolve("missing") + " (NoSuchFileException)",
                () -> AgentAccess.of("u", dir.resolve("missing"), null, null));
        assertMessage("--agent-token-file: the token must be printable ASCII without spaces", () -> AgentAccess.of(null, null, spaced, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentAccess.of(null, null, null, notACertificate));
        assertTrue(e.getMessage().startsWith("--agent-ca: " + notACertificate), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
