package io.tailwatch.agent.export;

import io.tailwatch.agent.config.ConfigKey;
import io.tailwatch.agent.config.ConfigLoader;
import io.tailwatch.agent.config.EndpointAccess;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;

/**
 * What the metrics endpoint demands of a client: credentials ({@link Credentials}) and TLS, made
 * once from the {@code auth.*} and {@code tls.*} settings when the endpoint starts. Immutable and
 * safe to share between connection threads.
 *
 * <p>A combination that cannot be honoured exactly (a secret file that cannot be read, a user without
 * a password, a keystore that does not open) is {@link Unusable}: the endpoint then stays off. It
 * never serves with less protection than was asked for.
 */
public final class EndpointSecurity {
    /** Secret files hold one line; a bigger one is a wrong path (or a device), not a secret. */
    static final int MAX_SECRET_FILE_BYTES = 64 * 1024;
    static final int MAX_KEYSTORE_BYTES = 1 << 20;

    private static final EndpointSecurity NONE = new EndpointSecurity(Credentials.NONE, null, List.of());

    private final Credentials credentials;
    private final SSLContext tls;
    private final String[] protocols;

    private EndpointSecurity(Credentials credentials, SSLContext tls, List<String> protocols) {
        this.credentials = credentials;
        this.tls = tls;
        this.protocols = protocols.toArray(new String[0]);
    }

    /** Plain HTTP, anyone may read. */
    public static EndpointSecurity none() {
        return NONE;
    }

    /** Why the endpoint cannot start as configured, in one line that holds no secret. */
    public static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads the secret files and the keystore the settings name.
     *
     * @throws Unusable when the settings ask for protection that cannot be given
     */
    public static EndpointSecurity prepare(EndpointAccess access) throws Unusable {
        String password = secret(access.password(), ConfigKey.AUTH_PASSWORD, access.passwordFile(), ConfigKey.AUTH_PASSWORD_FILE);
        String user = access.user();
        if (!user.isEmpty() && password.isEmpty()) {
            throw new Unusable("auth.user is set but neither auth.password nor auth.password.file");
        }
        if (user.isEmpty() && !password.isEmpty()) {
            throw new Unusable("a basic-auth password is set without auth.user");
        }
        if (user.indexOf(':') >= 0 || user.chars().anyMatch(Character::isISOControl)) {
            throw new Unusable("auth.user must not hold ':' or control characters (RFC 7617)");
        }
        String token = secret(access.token(), ConfigKey.AUTH_TOKEN, access.tokenFile(), ConfigKey.AUTH_TOKEN_FILE);
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new Unusable("the bearer token must be printable ASCII without spaces");
        }
        Credentials credentials = Credentials.of(user, password, token);

        String keystorePassword = secret(access.keystorePassword(), ConfigKey.TLS_KEYSTORE_PASSWORD,
                access.keystorePasswordFile(), ConfigKey.TLS_KEYSTORE_PASSWORD_FILE);
        if (!access.tls()) {
            if (!access.keystorePassword().isEmpty() || !access.keystorePasswordFile().isEmpty()) {
                throw new Unusable("a keystore password is set without tls.keystore");
            }
            return credentials == Credentials.NONE ? NONE : new EndpointSecurity(credentials, null, List.of());
        }
        return new EndpointSecurity(credentials, tlsContext(access.keystore(), keystorePassword.toCharArray()),
                access.tlsProtocols());
    }

    /** The value, or the content of the file; not both. Empty when neither is set. */
    private static String secret(String value, ConfigKey valueKey, String file, ConfigKey fileKey) throws Unusable {
        if (!value.isEmpty() && !file.isEmpty()) {
            throw new Unusable("set only one of " + valueKey.key() + " and " + fileKey.key());
        }
        if (file.isEmpty()) {
            return value;
        }
        String content;
        try {
            content = decode(read(file, MAX_SECRET_FILE_BYTES)).strip();
        } catch (IOException | InvalidPathException e) {
            throw new Unusable("cannot read " + fileKey.key() + " '" + ConfigLoader.printable(file) + "': " + reason(e));
        }
        if (content.isEmpty()) {
            throw new Unusable(fileKey.key() + " '" + ConfigLoader.printable(file) + "' is empty");
        }
        return content;
    }

    /** A regular file only: a FIFO or a device would block the endpoint's start or never end. */
    private static byte[] read(String file, int maxBytes) throws IOException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new IOException(Files.isDirectory(path) ? "is a directory" : Files.exists(path) ? "not a regular file" : "no such file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw new IOException("larger than " + maxBytes + " bytes");
        }
        return bytes;
    }

    private static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static SSLContext tlsContext(String keystore, char[] password) throws Unusable {
        String named = "cannot use tls.keystore '" + ConfigLoader.printable(keystore) + "': ";
        String noFallback = "; the endpoint does not fall back to plain HTTP";
        try {
            byte[] bytes = read(keystore, MAX_KEYSTORE_BYTES);
            KeyStore store = null;
            String formatProblem = null;
            for (String type : new String[] {"PKCS12", "JKS"}) {
                try {
                    KeyStore candidate = KeyStore.getInstance(type);
                    candidate.load(new ByteArrayInputStream(bytes), password);
                    store = candidate;
                    break;
                } catch (IOException e) {
                    // A wrong password is an IOException whose cause is an UnrecoverableKeyException:
                    // the format was right, so trying the other one would only hide the real reason.
                    if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                        throw e;
                    }
                    formatProblem = formatProblem != null ? formatProblem : e.getMessage();
                } catch (GeneralSecurityException e) {
                    formatProblem = formatProblem != null ? formatProblem : e.getMessage();
                }
            }
            if (store == null) {
                throw new Unusable(named + "not a PKCS12 or JKS keystore"
                        + (formatProblem == null || formatProblem.isBlank() ? "" : " (" + ConfigLoader.printable(formatProblem) + ")")
                        + noFallback);
            }
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new Unusable(named + "it holds no private key" + noFallback);
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new Unusable(named + reason(e) + noFallback);
        }
    }

    /** The message (or the class) of a failure, on one line; JDK messages here name files, never secrets. */
    private static String reason(Exception e) {
        if (e == null) {
            return "unreadable";
        }
        String message = e.getMessage();
        return ConfigLoader.printable(message == null || message.isBlank() ? e.getClass().getSimpleName() : message);
    }

    public boolean tls() {
        return tls != null;
    }

    Credentials credentials() {
        return credentials;
    }

    /**
     * The server side of TLS over an accepted connection whose first byte has been read already.
     * Closing the returned socket closes {@code accepted}.
     */
    SSLSocket wrap(Socket accepted, int firstByte) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(accepted,
                new ByteArrayInputStream(new byte[] {(byte) firstByte}), true);
        socket.setEnabledProtocols(protocols);
        return socket;
    }

    /** For the start line: {@code TLS, basic auth} and the like; never a secret. */
    public String describe() {
        String auth = credentials.describe();
        return tls() ? "TLS " + String.join("/", protocols) + ", " + auth : auth;
    }
}
