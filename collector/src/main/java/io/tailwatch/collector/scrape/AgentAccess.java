package io.tailwatch.collector.scrape;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collection;

/**
 * What the collector shows an agent whose endpoint is secured (the agent's {@code auth.*} and
 * {@code tls.*} settings): HTTP basic credentials or a bearer token, and the certificates to trust
 * for HTTPS besides the JDK's own. Secrets come from files, as the agent reads them, so that they
 * are not on the command line for {@code ps} to show; they are never printed.
 */
public final class AgentAccess {
    public static final AgentAccess NONE = new AgentAccess(null, null);

    private final String authorization;
    private final SSLContext sslContext;

    private AgentAccess(String authorization, SSLContext sslContext) {
        this.authorization = authorization;
        this.sslContext = sslContext;
    }

    /**
     * @param user         basic authentication's user, with {@code passwordFile}; or null
     * @param passwordFile file holding its password (UTF-8, surrounding white space ignored); or null
     * @param tokenFile    file holding a bearer token, instead of a user; or null
     * @param caFile       PEM (or DER) certificates to trust: the agent's own self-signed one, or its CA's; or null
     * @throws IllegalArgumentException with one line naming the option, for a combination or file that cannot be used
     */
    public static AgentAccess of(String user, Path passwordFile, Path tokenFile, Path caFile) {
        if ((user == null) != (passwordFile == null)) {
            throw new IllegalArgumentException("--agent-user and --agent-password-file go together");
        }
        if (user != null && tokenFile != null) {
            throw new IllegalArgumentException("--agent-user and --agent-token-file are two ways to authenticate: give one");
        }
        if (user != null && user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("--agent-user cannot hold ':' (HTTP basic authentication separates the password with it)");
        }
        String authorization = null;
        if (user != null) {
            String password = secret(passwordFile, "--agent-password-file");
            authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        } else if (tokenFile != null) {
            String token = secret(tokenFile, "--agent-token-file");
            if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("--agent-token-file: the token must be printable ASCII without spaces");
            }
            authorization = "Bearer " + token;
        }
        return new AgentAccess(authorization, caFile == null ? null : trusting(caFile));
    }

    /** Whether it sends credentials (the fetcher then follows no redirect, which could carry them elsewhere). */
    public boolean hasCredentials() {
        return authorization != null;
    }

    HttpClient.Builder configure(HttpClient.Builder client) {
        if (sslContext != null) {
            client.sslContext(sslContext);
        }
        return client.followRedirects(authorization != null ? HttpClient.Redirect.NEVER : HttpClient.Redirect.NORMAL);
    }

    HttpRequest.Builder configure(HttpRequest.Builder request) {
        return authorization != null ? request.header("Authorization", authorization) : request;
    }

    private static String secret(Path file, String option) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(option + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(option + ": " + file + " is empty");
        }
        return text;
    }

    private static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("--agent-ca: " + caFile + " holds no certificate");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("agent-ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new IllegalArgumentException("--agent-ca: cannot read " + caFile + " (" + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--agent-ca: " + caFile + " holds no certificate that can be read: " + e.getMessage());
        }
    }
}
