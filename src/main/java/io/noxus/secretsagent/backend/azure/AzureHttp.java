package io.noxus.secretsagent.backend.azure;

import com.fasterxml.jackson.databind.JsonNode;
import io.noxus.secretsagent.backend.Deadlines;
import io.noxus.secretsagent.config.AzureBackendSettings;
import io.noxus.secretsagent.config.ConfigException;
import io.noxus.secretsagent.json.JsonTree;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one HTTP client of an Azure backend, for the vault, Entra and the identity endpoint alike: like the Vault
 * backend's, {@link HttpURLConnection} with the JDK's keep-alive pool, one attempt per call, no redirects, each call
 * bounded as a whole by {@code request_timeout_seconds} ({@link Deadlines}). TLS trusts {@code ca_file} when set,
 * else the JDK's CAs; host names are always verified. Transport failures are {@link AzureCallException}s; HTTP
 * answers of any status are returned for the caller to classify.
 */
final class AzureHttp {
    private static final int MAX_BODY = 4 * 1024 * 1024;
    private final int timeoutMillis;
    private final Optional<SSLSocketFactory> sockets;
    private final AtomicLong requests = new AtomicLong();
    private final Deadlines deadlines = Deadlines.shared();

    /** An answer: status, the headers a caller needs, and the body as JSON (an empty object when not JSON). */
    record Answer(int status, JsonNode body, Optional<String> retryAfter, Optional<String> challenge) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    AzureHttp(AzureBackendSettings settings) {
        this.timeoutMillis = Math.toIntExact(settings.requestTimeout().toMillis());
        this.sockets = settings.caFile().map(ca -> {
            try (InputStream in = Files.newInputStream(ca)) {
                Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                        .generateCertificates(in);
                if (certs.isEmpty()) {
                    throw new GeneralSecurityException("no certificate");
                }
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int i = 0;
                for (Certificate cert : certs) {
                    store.setCertificateEntry("ca" + i++, cert);
                }
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                return context.getSocketFactory();
            } catch (GeneralSecurityException | IOException e) {
                throw new ConfigException("backend " + settings.name() + ": cannot read ca_file " + ca + " ("
                        + e.getClass().getSimpleName() + "); it must hold PEM certificates");
            }
        });
    }

    /** HTTP requests sent so far. */
    long requests() {
        return requests.get();
    }

    Answer get(URI url, Map<String, String> headers, String what) {
        return call("GET", url, headers, null, what);
    }

    Answer postForm(URI url, String form, String what) {
        return call("POST", url, Map.of("Content-Type", "application/x-www-form-urlencoded"),
                form.getBytes(StandardCharsets.UTF_8), what);
    }

    private Answer call(String method, URI url, Map<String, String> headers, byte[] body, String what) {
        HttpURLConnection conn;
        try {
            conn = (HttpURLConnection) url.toURL().openConnection();
        } catch (IOException | IllegalArgumentException e) {
            throw new AzureCallException(true, "cannot open a connection to " + origin(url) + " for " + what + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (conn instanceof HttpsURLConnection https) {
            sockets.ifPresent(https::setSSLSocketFactory);
        }
        conn.setInstanceFollowRedirects(false);
        conn.setUseCaches(false);
        conn.setConnectTimeout(timeoutMillis);
        conn.setReadTimeout(timeoutMillis);
        conn.setRequestProperty("Accept", "application/json");
        headers.forEach(conn::setRequestProperty);
        requests.incrementAndGet();
        try (Deadlines.Deadline deadline = deadlines.start(conn, Duration.ofMillis(timeoutMillis))) {
            try {
                conn.setRequestMethod(method);
                Deadlines.Exchange exchange = deadline.exchange(body, MAX_BODY);
                int status = exchange.status();
                return new Answer(status, parse(exchange.body()), Optional.ofNullable(conn.getHeaderField("Retry-After")),
                        Optional.ofNullable(conn.getHeaderField("WWW-Authenticate")));
            } catch (IOException e) {
                conn.disconnect(); // never back to the keep-alive pool mid-answer
                if (deadline.passed() || e instanceof SocketTimeoutException) {
                    throw new AzureCallException(true, "no complete answer from " + origin(url) + " to " + what
                            + " within " + timeoutMillis / 1000 + " s (request_timeout_seconds)");
                }
                if (e instanceof SSLException) {
                    throw new AzureCallException(false, "TLS with " + origin(url) + " failed for " + what + " ("
                            + e.getClass().getSimpleName() + "); if a TLS-inspecting proxy sits in between, name "
                            + "its CA bundle in ca_file");
                }
                throw new AzureCallException(true, "cannot reach " + origin(url) + " for " + what + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
    }

    private static String origin(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority();
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = JsonTree.read(bytes);
            return node.isMissingNode() ? JsonTree.object() : node;
        } catch (IOException e) {
            return JsonTree.object();
        }
    }
}
