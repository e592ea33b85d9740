package io.noxus.secretsagent.backend.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.noxus.secretsagent.backend.Deadlines;
import io.noxus.secretsagent.config.VaultBackendSettings;
import io.noxus.secretsagent.json.JsonTree;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;

/**
 * The one HTTP client of a Vault backend: {@link HttpURLConnection} with the JDK's keep-alive pool (no threads of its
 * own beyond the JDK's keep-alive timer and the shared {@link Deadlines} thread), one attempt per call, no redirects,
 * and each call bounded as a whole by {@code request_timeout_seconds}, however slowly the server answers. Answers are
 * parsed JSON; failures are {@link VaultCallException}s that say what kind of failure it was and never carry a
 * response body.
 */
final class VaultHttp {
    private static final int MAX_BODY = 4 * 1024 * 1024;
    private final URI address;
    private final Optional<String> namespace;
    private final int timeoutMillis;
    private final Optional<VaultTls> tls;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong throttles = new AtomicLong();
    private final Deadlines deadlines;

    VaultHttp(VaultBackendSettings settings) {
        this(settings, Deadlines.shared());
    }

    VaultHttp(VaultBackendSettings settings, Deadlines deadlines) {
        this.deadlines = deadlines;
        this.address = settings.address();
        this.namespace = settings.namespace();
        this.timeoutMillis = Math.toIntExact(settings.requestTimeout().toMillis());
        this.tls = "https".equals(address.getScheme()) ? Optional.of(VaultTls.create(settings)) : Optional.empty();
    }

    String address() {
        return address.toString();
    }

    /** HTTP requests sent so far (for the cycle's report and the request-count tests). */
    long requests() {
        return requests.get();
    }

    /** Requests the server refused with HTTP 429 (a rate-limit quota) so far. */
    long throttles() {
        return throttles.get();
    }

    JsonNode get(String apiPath, String token) {
        return call("GET", apiPath, Optional.of(token), Optional.empty());
    }

    JsonNode post(String apiPath, Optional<String> token, JsonNode body) {
        return call("POST", apiPath, token, Optional.of(body));
    }

    private JsonNode call(String method, String apiPath, Optional<String> token, Optional<JsonNode> body) {
        HttpURLConnection conn;
        try {
            conn = (HttpURLConnection) new URL(address + "/v1/" + apiPath).openConnection();
        } catch (IOException e) {
            throw new VaultCallException(VaultCallException.Kind.UNREACHABLE, apiPath, "cannot open a connection to "
                    + address + " (" + e.getClass().getSimpleName() + ")");
        }
        if (conn instanceof HttpsURLConnection https) {
            tls.orElseThrow().apply(https);
        }
        conn.setInstanceFollowRedirects(false);
        conn.setUseCaches(false);
        conn.setConnectTimeout(timeoutMillis);
        conn.setReadTimeout(timeoutMillis);
        token.ifPresent(t -> conn.setRequestProperty("X-Vault-Token", t));
        namespace.ifPresent(ns -> conn.setRequestProperty("X-Vault-Namespace", ns));
        conn.setRequestProperty("X-Vault-Request", "true");
        conn.setRequestProperty("Accept", "application/json");
        requests.incrementAndGet();
        try (Deadlines.Deadline deadline = deadlines.start(conn, Duration.ofMillis(timeoutMillis))) {
            try {
                conn.setRequestMethod(method);
                if (body.isPresent()) {
                    conn.setRequestProperty("Content-Type", "application/json");
                }
                Deadlines.Exchange exchange = deadline.exchange(body.isPresent() ? JsonTree.bytes(body.get())
                        : null, MAX_BODY);
                int status = exchange.status();
                byte[] bytes = exchange.body();
                if (status >= 200 && status < 300) {
                    return parse(apiPath, bytes, status);
                }
                if (status == 404) {
                    VaultCallException.deletedVersion(apiPath, parseQuietly(bytes)).ifPresent(e -> {
                        throw e;
                    });
                }
                if (status == 429) {
                    throttles.incrementAndGet();
                }
                throw VaultCallException.forStatus(apiPath, status, address.toString(),
                        conn.getHeaderField("Retry-After"));
            } catch (IOException e) {
                conn.disconnect(); // never back to the keep-alive pool mid-answer
                throw deadline.passed() ? late(apiPath) : failure(apiPath, e);
            }
        }
    }

    /** The server did not complete its answer in time: whatever it sent so far is dropped. */
    private VaultCallException late(String apiPath) {
        return new VaultCallException(VaultCallException.Kind.TIMED_OUT, apiPath, "no complete answer to " + apiPath
                + " within " + timeoutMillis / 1000 + " s (request_timeout_seconds)");
    }

    private VaultCallException failure(String apiPath, IOException e) {
        if (e instanceof SSLException) {
            return new VaultCallException(VaultCallException.Kind.TLS, apiPath, "TLS with " + address + " failed ("
                    + e.getClass().getSimpleName() + "); check ca_file, tls_server_name and the client certificate");
        }
        if (e instanceof SocketTimeoutException) {
            return late(apiPath);
        }
        return new VaultCallException(VaultCallException.Kind.UNREACHABLE, apiPath, "cannot reach " + address
                + " (" + e.getClass().getSimpleName() + ")");
    }

    private static JsonNode parse(String apiPath, byte[] bytes, int status) {
        if (status == 204 || bytes.length == 0) {
            return JsonTree.object();
        }
        try {
            JsonNode node = JsonTree.read(bytes);
            if (!node.isObject()) {
                throw new IOException("not an object");
            }
            return node;
        } catch (IOException e) {
            throw new VaultCallException(VaultCallException.Kind.MALFORMED, apiPath,
                    "the server's answer is not a JSON object");
        }
    }

    /** An error answer as JSON, or an empty object: only read for the fields a caller picks, never kept whole. */
    private static JsonNode parseQuietly(byte[] bytes) {
        try {
            JsonNode node = JsonTree.read(bytes);
            return node.isMissingNode() ? JsonTree.object() : node;
        } catch (IOException e) {
            return JsonTree.object();
        }
    }

}
