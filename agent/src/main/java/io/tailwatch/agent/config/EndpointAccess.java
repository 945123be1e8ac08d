package io.tailwatch.agent.config;

import java.util.Arrays;
import java.util.List;

/**
 * Who may read the metrics endpoint and over what: the {@code auth.*} and {@code tls.*} keys as
 * given, immutable. Values are kept as written (an empty string is "not set"); secret files and the
 * keystore are read when the endpoint starts, by {@code io.tailwatch.agent.export.EndpointSecurity},
 * which alone decides whether the combination is usable. {@link #toString()} never shows a secret.
 */
public final class EndpointAccess {
    private final String user;
    private final String password;
    private final String passwordFile;
    private final String token;
    private final String tokenFile;
    private final String keystore;
    private final String keystorePassword;
    private final String keystorePasswordFile;
    private final String[] tlsProtocols;

    EndpointAccess(String user, String password, String passwordFile, String token, String tokenFile, String keystore,
                   String keystorePassword, String keystorePasswordFile, String[] tlsProtocols) {
        this.user = user;
        this.password = password;
        this.passwordFile = passwordFile;
        this.token = token;
        this.tokenFile = tokenFile;
        this.keystore = keystore;
        this.keystorePassword = keystorePassword;
        this.keystorePasswordFile = keystorePasswordFile;
        this.tlsProtocols = tlsProtocols.clone();
    }

    /** No authentication, plain HTTP. */
    public static EndpointAccess open() {
        return new EndpointAccess("", "", "", "", "", "", "", "", new String[] {"TLSv1.3", "TLSv1.2"});
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String passwordFile() {
        return passwordFile;
    }

    public String token() {
        return token;
    }

    public String tokenFile() {
        return tokenFile;
    }

    public String keystore() {
        return keystore;
    }

    public String keystorePassword() {
        return keystorePassword;
    }

    public String keystorePasswordFile() {
        return keystorePasswordFile;
    }

    /** The TLS versions to enable, in JSSE's spelling ({@code TLSv1.3}, {@code TLSv1.2}). */
    public List<String> tlsProtocols() {
        return List.of(tlsProtocols);
    }

    public boolean tls() {
        return !keystore.isEmpty();
    }

    @Override
    public String toString() {
        return "EndpointAccess{user=" + (user.isEmpty() ? "" : "(set)") + ", password=" + hidden(password)
                + ", passwordFile=" + passwordFile + ", token=" + hidden(token) + ", tokenFile=" + tokenFile
                + ", keystore=" + keystore + ", keystorePassword=" + hidden(keystorePassword)
                + ", keystorePasswordFile=" + keystorePasswordFile + ", tlsProtocols=" + Arrays.toString(tlsProtocols) + '}';
    }

    private static String hidden(String secret) {
        return secret.isEmpty() ? "" : "(set)";
    }
}
