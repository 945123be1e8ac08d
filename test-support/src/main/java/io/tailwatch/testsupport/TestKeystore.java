package io.tailwatch.testsupport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A keystore made by the JDK's own {@code keytool}, as a user would make one: a self-signed EC key
 * for {@code 127.0.0.1} and {@code localhost}, and its certificate in PEM for clients to trust.
 */
public final class TestKeystore {
    public final Path keystore;
    public final Path certificatePem;
    public final String password;

    private TestKeystore(Path keystore, Path certificatePem, String password) {
        this.keystore = keystore;
        this.certificatePem = certificatePem;
        this.password = password;
    }

    /** @param storeType PKCS12 or JKS */
    public static TestKeystore create(Path dir, String name, String storeType, String password) throws IOException {
        Path store = dir.resolve(name + (storeType.equals("JKS") ? ".jks" : ".p12"));
        Path pem = dir.resolve(name + ".pem");
        keytool("-genkeypair", "-alias", "tailwatch", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", store.toString(),
                "-storetype", storeType, "-storepass", password, "-keypass", password, "-noprompt");
        keytool("-exportcert", "-rfc", "-alias", "tailwatch", "-keystore", store.toString(), "-storepass", password,
                "-file", pem.toString());
        return new TestKeystore(store, pem, password);
    }

    /** A keystore holding only a trusted certificate: no key to serve with. */
    public static Path certificateOnly(Path dir, TestKeystore source, String password) throws IOException {
        Path store = dir.resolve("certificate-only.p12");
        keytool("-importcert", "-alias", "ca", "-file", source.certificatePem.toString(), "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", password, "-noprompt");
        return store;
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A client context that trusts this certificate alone. */
    public SSLContext clientContext() throws IOException, GeneralSecurityException {
        Certificate certificate;
        try (InputStream in = Files.newInputStream(certificatePem)) {
            certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("tailwatch", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
