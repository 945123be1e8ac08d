package io.tailwatch.agent.export;

import io.tailwatch.testsupport.TestKeystore;

import io.tailwatch.agent.config.ConfigLoader;
import io.tailwatch.agent.config.EndpointAccess;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** From settings to what the endpoint demands, and every way that can fail closed. */
class EndpointSecurityTest {
    private static final String STORE_PASSWORD = "store-pass-4711";

    @TempDir
    static Path dir;
    private static TestKeystore pkcs12;
    private static TestKeystore jks;

    @BeforeAll
    static void keystores() throws IOException {
        pkcs12 = TestKeystore.create(dir, "server", "PKCS12", STORE_PASSWORD);
        jks = TestKeystore.create(dir, "server-jks", "JKS", STORE_PASSWORD);
    }

    /** Settings as system properties {@code tailwatch.KEY}: through the loader, as the agent gets them. */
    private static EndpointAccess access(String... keyValues) {
        Properties props = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.setProperty("tailwatch." + keyValues[i], keyValues[i + 1]);
        }
        List<String> warnings = new ArrayList<>();
        EndpointAccess access = ConfigLoader.load(null, props, Map.of(), warnings::add).endpointAccess();
        assertEquals(List.of(), warnings);
        return access;
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String unusable(EndpointAccess access) {
        EndpointSecurity.Unusable e = assertThrows(EndpointSecurity.Unusable.class, () -> EndpointSecurity.prepare(access));
        String m = e.getMessage();
        assertEquals(1, m.lines().count(), m);
        return m;
    }

    @Test
    void nothingSetIsOpenPlainHttp() throws Exception {
        EndpointSecurity s = EndpointSecurity.prepare(access());
        assertFalse(s.tls());
        assertTrue(s.credentials().permits(null));
        assertEquals("no authentication", s.describe());
        assertEquals(EndpointSecurity.none(), s);
    }

    @Test
    void basicAuthFromAValue() throws Exception {
        EndpointSecurity s = EndpointSecurity.prepare(access("auth.user", "prom", "auth.password", "pw1"));
        assertTrue(s.credentials().permits(basic("prom:pw1")));
        assertFalse(s.credentials().permits(null));
        assertEquals("basic auth", s.describe());
    }

    @Test
    void passwordAndTokenFilesAreTrimmedLikePrometheusDoes() throws Exception {
        Path password = file("password", "  pw from file\n");
        Path token = file("token", "tok-from-file\r\n");
        EndpointSecurity s = EndpointSecurity.prepare(access("auth.user", "prom", "auth.password.file", password.toString(),
                "auth.token.file", token.toString()));
        assertTrue(s.credentials().permits(basic("prom:pw from file")));
        assertTrue(s.credentials().permits("Bearer tok-from-file"));
        assertEquals("basic auth or bearer token", s.describe());
    }

    @Test
    void userWithoutPasswordKeepsTheEndpointOff() {
        assertTrue(unusable(access("auth.user", "prom")).contains("auth.user"));
    }

    @Test
    void passwordWithoutUserKeepsTheEndpointOff() {
        String m = unusable(access("auth.password", "lonely-secret"));
        assertTrue(m.contains("auth.user"), m);
        assertFalse(m.contains("lonely-secret"), m);
    }

    @Test
    void passwordBothInlineAndInAFileKeepsTheEndpointOff() throws IOException {
        Path password = file("password2", "other");
        String m = unusable(access("auth.user", "prom", "auth.password", "inline-secret", "auth.password.file", password.toString()));
        assertTrue(m.contains("only one of auth.password and auth.password.file"), m);
        assertFalse(m.contains("inline-secret") || m.contains("other"), m);
    }

    @Test
    void tokenBothInlineAndInAFileKeepsTheEndpointOff() throws IOException {
        String m = unusable(access("auth.token", "abc", "auth.token.file", file("token2", "abc").toString()));
        assertTrue(m.contains("auth.token.file"), m);
    }

    @Test
    void unreadableSecretFilesKeepTheEndpointOff() throws IOException {
        Path missing = dir.resolve("no-such-password");
        assertTrue(unusable(access("auth.user", "u", "auth.password.file", missing.toString())).contains(missing.toString()));
        assertTrue(unusable(access("auth.user", "u", "auth.password.file", dir.toString())).contains("directory"));
        assertTrue(unusable(access("auth.token.file", file("empty", " \n").toString())).contains("empty"));
        Path big = Files.write(dir.resolve("big"), new byte[EndpointSecurity.MAX_SECRET_FILE_BYTES + 1]);
        assertTrue(unusable(access("auth.token.file", big.toString())).contains("larger than"));
        Path latin1 = Files.write(dir.resolve("latin1"), "p\u00e4ss".getBytes(StandardCharsets.ISO_8859_1));
        String m = unusable(access("auth.user", "u", "auth.password.file", latin1.toString()));
        assertTrue(m.contains("auth.password.file"), m);
        // A device would never end: only regular files are read.
        if (Files.exists(Path.of("/dev/zero"))) {
            assertTrue(unusable(access("auth.token.file", "/dev/zero")).contains("not a regular file"));
        }
    }

    @Test
    void aSecretFileNameWithControlCharactersStaysOnOneLine() {
        String m = unusable(access("auth.token.file", dir.resolve("evil\nname\u001b[31m").toString()));
        assertTrue(m.chars().noneMatch(Character::isISOControl), m);
    }

    @Test
    void tokenWithSpacesOrControlsKeepsTheEndpointOff() throws IOException {
        assertTrue(unusable(access("auth.token.file", file("spaced", "two words").toString())).contains("printable ASCII"));
        assertTrue(unusable(access("auth.token.file", file("umlaut", "t\u00f6ken").toString())).contains("printable ASCII"));
    }

    @Test
    void userWithAColonKeepsTheEndpointOff() {
        assertTrue(unusable(access("auth.user", "a:b", "auth.password", "x")).contains("':'"));
    }

    @Test
    void pkcs12KeystoreWithInlinePassword() throws Exception {
        EndpointSecurity s = EndpointSecurity.prepare(access("tls.keystore", pkcs12.keystore.toString(),
                "tls.keystore.password", STORE_PASSWORD));
        assertTrue(s.tls());
        assertEquals("TLS TLSv1.3/TLSv1.2, no authentication", s.describe());
    }

    @Test
    void jksKeystoreWithPasswordFileAndOneProtocol() throws Exception {
        Path password = file("store-password", STORE_PASSWORD + "\n");
        EndpointSecurity s = EndpointSecurity.prepare(access("tls.keystore", jks.keystore.toString(),
                "tls.keystore.password.file", password.toString(), "tls.protocols", "tlsv1.3", "auth.token", "t0k"));
        assertTrue(s.tls());
        assertEquals("TLS TLSv1.3, bearer token", s.describe());
    }

    @Test
    void wrongKeystorePasswordKeepsTheEndpointOffWithoutNamingThePassword() {
        String m = unusable(access("tls.keystore", pkcs12.keystore.toString(), "tls.keystore.password", "wrong-guess-99"));
        assertTrue(m.startsWith("cannot use tls.keystore '" + pkcs12.keystore + "'"), m);
        assertTrue(m.contains("password"), m);
        assertTrue(m.contains("does not fall back to plain HTTP"), m);
        assertFalse(m.contains("wrong-guess-99") || m.contains(STORE_PASSWORD), m);
    }

    @Test
    void notAKeystoreKeepsTheEndpointOff() throws IOException {
        Path garbage = file("garbage.p12", "this is not a keystore\n");
        String m = unusable(access("tls.keystore", garbage.toString(), "tls.keystore.password", STORE_PASSWORD));
        assertTrue(m.contains("tls.keystore") && m.contains("plain HTTP"), m);
        assertTrue(unusable(access("tls.keystore", dir.resolve("missing.p12").toString(), "tls.keystore.password", "x"))
                .contains("no such file"));
        assertTrue(unusable(access("tls.keystore", dir.toString(), "tls.keystore.password", "x")).contains("directory"));
    }

    @Test
    void aKeystoreWithoutAKeyKeepsTheEndpointOff() throws IOException {
        Path certificateOnly = TestKeystore.certificateOnly(dir, pkcs12, STORE_PASSWORD);
        String m = unusable(access("tls.keystore", certificateOnly.toString(), "tls.keystore.password", STORE_PASSWORD));
        assertTrue(m.contains("no private key"), m);
    }

    @Test
    void aKeystorePasswordWithoutAKeystoreKeepsTheEndpointOff() {
        // Someone meant to turn TLS on: serving plain HTTP would be less than asked for.
        assertTrue(unusable(access("tls.keystore.password", "x")).contains("without tls.keystore"));
    }
}
