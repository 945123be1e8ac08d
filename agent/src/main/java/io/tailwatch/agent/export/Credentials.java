package io.tailwatch.agent.export;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The credentials the metrics endpoint accepts in {@code Authorization}: HTTP basic authentication
 * (RFC 7617) for one user, a bearer token (RFC 6750), either, or none. Immutable; {@link #permits}
 * may be called from any thread.
 *
 * <p>Comparisons take the same time however much of a guess is right, and however long it is: both
 * sides are hashed with SHA-256 and the digests compared with {@link MessageDigest#isEqual}. The
 * digests are made per check rather than at start, so that the agent does not set up the JDK's
 * security providers before the application's {@code main} (which may configure them).
 */
final class Credentials {
    static final Credentials NONE = new Credentials(null, null);

    private static final String REALM = "tailwatch";

    /** {@code user:password} in UTF-8, as a client sends it base64-encoded; null when basic auth is off. */
    private final byte[] basic;
    /** The token in ASCII; null when bearer tokens are off. */
    private final byte[] token;

    private Credentials(byte[] basic, byte[] token) {
        this.basic = basic;
        this.token = token;
    }

    /** Empty strings mean "not this kind"; both empty is {@link #NONE}. */
    static Credentials of(String user, String password, String token) {
        byte[] basic = user.isEmpty() ? null : (user + ":" + password).getBytes(StandardCharsets.UTF_8);
        byte[] bearer = token.isEmpty() ? null : token.getBytes(StandardCharsets.US_ASCII);
        return basic == null && bearer == null ? NONE : new Credentials(basic, bearer);
    }

    boolean required() {
        return basic != null || token != null;
    }

    /**
     * Whether a request with this {@code Authorization} value (null when absent) may be answered.
     * Always true when no credentials are configured.
     */
    boolean permits(String authorization) {
        if (!required()) {
            return true;
        }
        if (authorization == null) {
            return false;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space <= 0) {
            return false;
        }
        String scheme = value.substring(0, space);
        String credentials = value.substring(space + 1).trim();
        if (basic != null && scheme.equalsIgnoreCase("Basic")) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(credentials);
            } catch (IllegalArgumentException e) {
                return false;
            }
            return sameSecret(basic, decoded);
        }
        if (token != null && scheme.equalsIgnoreCase("Bearer")) {
            return sameSecret(token, credentials.getBytes(StandardCharsets.ISO_8859_1));
        }
        return false;
    }

    private static boolean sameSecret(byte[] expected, byte[] given) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] a = sha256.digest(expected);
            byte[] b = sha256.digest(given);
            return MessageDigest.isEqual(a, b);
        } catch (NoSuchAlgorithmException e) {
            // Every JDK has SHA-256 (a required algorithm); refusing is the safe answer if one did not.
            return false;
        }
    }

    /** The {@code WWW-Authenticate} header lines of a 401, each ending in CRLF. */
    String challenges() {
        StringBuilder sb = new StringBuilder();
        if (basic != null) {
            sb.append("WWW-Authenticate: Basic realm=\"").append(REALM).append("\", charset=\"UTF-8\"\r\n");
        }
        if (token != null) {
            sb.append("WWW-Authenticate: Bearer realm=\"").append(REALM).append("\"\r\n");
        }
        return sb.toString();
    }

    String describe() {
        if (basic != null && token != null) {
            return "basic auth or bearer token";
        }
        return basic != null ? "basic auth" : token != null ? "bearer token" : "no authentication";
    }
}
