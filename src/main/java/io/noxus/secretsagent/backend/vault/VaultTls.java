package io.noxus.secretsagent.backend.vault;

import io.noxus.secretsagent.config.ConfigException;
import io.noxus.secretsagent.config.VaultBackendSettings;
import io.noxus.secretsagent.config.VaultBackendSettings.ClientCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to the server: trust the configured CA bundle (or the JDK's), present the client certificate when one is
 * configured, and accept a server certificate issued for {@code tls_server_name} when the address names the server
 * differently (an IP address, a load balancer).
 */
final class VaultTls {
    private final SSLSocketFactory sockets;
    private final Optional<HostnameVerifier> verifier;

    private VaultTls(SSLSocketFactory sockets, Optional<HostnameVerifier> verifier) {
        this.sockets = sockets;
        this.verifier = verifier;
    }

    static VaultTls create(VaultBackendSettings settings) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (settings.caFile().isPresent()) {
                KeyStore cas = KeyStore.getInstance("PKCS12");
                cas.load(null, null);
                int i = 0;
                for (Certificate cert : certificates(settings.caFile().get())) {
                    cas.setCertificateEntry("ca" + i++, cert);
                }
                trust.init(cas);
            } else {
                trust.init((KeyStore) null);
            }
            KeyManagerFactory keys = null;
            if (settings.clientCertificate().isPresent()) {
                keys = keyManagers(settings.clientCertificate().get());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return new VaultTls(context.getSocketFactory(), settings.tlsServerName().map(VaultTls::verifierFor));
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("backend " + settings.name() + ": cannot set up TLS from ca_file / "
                    + "client_cert_file / client_key_file (" + e.getClass().getSimpleName() + "); check that they "
                    + "are PEM files (the key in PKCS#8: openssl pkcs8 -topk8 -nocrypt)");
        }
    }

    void apply(HttpsURLConnection conn) {
        conn.setSSLSocketFactory(sockets);
        verifier.ifPresent(conn::setHostnameVerifier);
    }

    private static Collection<? extends Certificate> certificates(Path file) throws IOException,
            GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("no certificate");
            }
            return certs;
        }
    }

    private static KeyManagerFactory keyManagers(ClientCertificate client) throws IOException,
            GeneralSecurityException {
        String pem = Files.readString(client.keyFile(), StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException("not a PKCS#8 PEM key");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        PrivateKey key = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                break;
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        if (key == null) {
            throw new GeneralSecurityException("unsupported key");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] none = new char[0];
        store.setKeyEntry("client", key, none, certificates(client.certFile()).toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, none);
        return factory;
    }

    /** Called by the JDK only when the certificate does not match the address host: accept it for the server name. */
    private static HostnameVerifier verifierFor(String serverName) {
        return (host, session) -> {
            try {
                X509Certificate cert = (X509Certificate) session.getPeerCertificates()[0];
                Collection<List<?>> names = cert.getSubjectAlternativeNames();
                return names != null && names.stream().filter(n -> Integer.valueOf(2).equals(n.get(0)))
                        .map(n -> ((String) n.get(1)).toLowerCase(Locale.ROOT))
                        .anyMatch(n -> matches(n, serverName.toLowerCase(Locale.ROOT)));
            } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
                return false;
            }
        };
    }

    private static boolean matches(String pattern, String name) {
        if (pattern.startsWith("*.")) {
            int dot = name.indexOf('.');
            return dot > 0 && name.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(name);
    }
}
