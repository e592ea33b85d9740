package io.noxus.secretsagent.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Key Vault + Entra test server ({@code tools/azure-test-server/azure_test_server.py}) for one test class:
 * {@code @RegisterExtension static final AzureTestServer AZURE = new AzureTestServer(config);}. HTTPS on a free
 * 127.0.0.1 port with a CA it makes at start ({@link #caFile()}), the IMDS token path also on a plain HTTP port.
 * The vault is {@code https://noxus-test.vault.azure.net:PORT} and the authority
 * {@code https://login.microsoftonline.com:PORT} (or a national cloud's: {@link #vaultUrl(String)}):
 * {@code src/test/resources/azure-test-hosts} resolves the names to 127.0.0.1 (failsafe's {@code -Djdk.net.hosts.file}). The config is the server's JSON (see the script).
 */
public final class AzureTestServer implements BeforeAllCallback, AfterAllCallback {
    public static final String TENANT = "7e1d2c3b-0000-4000-8000-00000000c0de";
    public static final String VAULT = "noxus-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> config;
    private Process process;
    private Path dir;
    private int httpsPort;
    private int httpPort;
    private int arcPort;
    private HttpClient http;

    public AzureTestServer(Map<String, Object> config) {
        this.config = config;
    }

    /** The hosts file that maps the vault and login names to 127.0.0.1. */
    public static Path hostsFile() {
        return RealReaders.repoRoot().resolve("src/test/resources/azure-test-hosts");
    }

    /**
     * A self-signed client certificate made now: {@code NAME.pem} (private key then certificate, what both the
     * agent and the Python SDK read) and {@code NAME.crt} (the certificate alone, what the server registers).
     */
    public static Path clientCertificate(Path folder, String name) throws IOException {
        Path key = folder.resolve(name + ".key");
        Path crt = folder.resolve(name + ".crt");
        Exec.Result made = Exec.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                key.toString(), "-out", crt.toString(), "-days", "2", "-subj", "/CN=" + name), null, null);
        if (!made.ok()) {
            throw new IllegalStateException("openssl could not make a client certificate (install openssl): "
                    + made.stderrText());
        }
        Path pem = folder.resolve(name + ".pem");
        Files.writeString(pem, Files.readString(key) + Files.readString(crt));
        Files.delete(key);
        return pem;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path script = RealReaders.repoRoot().resolve("tools/azure-test-server/azure_test_server.py");
        dir = Files.createTempDirectory("azure-test-server-");
        Path configFile = dir.resolve("config.json");
        JSON.writeValue(configFile.toFile(), config);
        process = new ProcessBuilder("python3", script.toString(), "--dir", dir.toString(), "--config",
                configFile.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile())
                .start();
        Path ready = dir.resolve("ready.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ready)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("server.log"));
                process.destroyForcibly();
                throw new IllegalStateException("the Azure test server did not start (needs python3 and openssl):\n"
                        + log);
            }
            Thread.sleep(50);
        }
        JsonNode ports = JSON.readTree(ready.toFile());
        httpsPort = ports.get("https_port").asInt();
        httpPort = ports.get("http_port").asInt();
        arcPort = ports.get("arc_port").asInt();
        http = HttpClient.newBuilder().sslContext(trusting(caFile())).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    public Path folder() {
        return dir;
    }

    public int httpsPort() {
        return httpsPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public String vaultUrl() {
        return "https://" + VAULT + ".vault.azure.net:" + httpsPort;
    }

    public String authorityHost() {
        return "https://login.microsoftonline.com:" + httpsPort;
    }

    /** The vault under a national cloud's domain ({@code vault.usgovcloudapi.net}, {@code vault.azure.cn}). */
    public String vaultUrl(String domain) {
        return "https://" + VAULT + "." + domain + ":" + httpsPort;
    }

    /** A national cloud's Entra host ({@code login.microsoftonline.us}, {@code login.chinacloudapi.cn}). */
    public String authorityHost(String login) {
        return "https://" + login + ":" + httpsPort;
    }

    /** The IMDS token endpoint on the plain HTTP port, as a managed identity's {@code identity_endpoint}. */
    public String imdsEndpoint() {
        return "http://127.0.0.1:" + httpPort + "/metadata/identity/oauth2/token";
    }

    /** Azure Arc's token endpoint (plain HTTP on 127.0.0.1), as the Arc agent's {@code IDENTITY_ENDPOINT}. */
    public String arcEndpoint() {
        return "http://127.0.0.1:" + arcPort + "/metadata/identity/oauth2/token";
    }

    /** The file the Arc challenge names (and writes its key to) from now on; null: a new file in the key folder. */
    public void arcRealm(Path file) {
        java.util.Map<String, Object> body = new java.util.HashMap<>();
        body.put("path", file == null ? null : file.toString());
        control("POST", "/_test/arc_realm", body);
    }

    /** Adds a version to a secret (creating it); returns the new version id. */
    public String putSecret(String name, Map<String, Object> version) {
        return control("POST", "/_test/secrets/" + name, version).get("version").asText();
    }

    /** Sets attributes (enabled, exp, nbf, tags) on the latest version. */
    public void patchSecret(String name, Map<String, Object> attributes) {
        control("PATCH", "/_test/secrets/" + name, attributes);
    }

    public void deleteSecret(String name) {
        control("DELETE", "/_test/secrets/" + name, null);
    }

    /** The next {@code count} vault requests are answered 429 with {@code Retry-After: retryAfterSeconds}. */
    public void throttle(int count, int retryAfterSeconds) {
        control("POST", "/_test/throttle", Map.of("count", count, "retry_after", retryAfterSeconds));
    }

    /** Each authorized vault request takes {@code seconds} more from now on (0: none), so concurrent reads overlap. */
    public void readDelay(double seconds) {
        control("POST", "/_test/read_delay", Map.of("seconds", seconds));
    }

    /** The most authorized vault requests the server was answering at once since {@link #resetInFlight()}. */
    public int maxInFlight() {
        return control("GET", "/_test/in_flight", null).path("max").asInt();
    }

    public void resetInFlight() {
        control("POST", "/_test/in_flight/reset", null);
    }

    /** The resource the vault's 401 challenge names from now on; null: the vault's own. */
    public void challengeResource(String resource) {
        java.util.Map<String, Object> body = new java.util.HashMap<>();
        body.put("resource", resource);
        control("POST", "/_test/challenge_resource", body);
    }

    public void tokenLifetime(int seconds) {
        control("POST", "/_test/token_lifetime", Map.of("seconds", seconds));
    }

    public void resetRequests() {
        control("POST", "/_test/requests/reset", null);
    }

    /** One request the server answered; {@code host} is its Host header (name and port). */
    public record Request(String identity, String method, String path, int status, String host) {
        /** Vault reads (secrets, lists, versions), as opposed to token and discovery requests. */
        public boolean isVault() {
            return path.startsWith("/secrets");
        }
    }

    /** Every request since {@link #resetRequests()}, in order. */
    public List<Request> requests() {
        List<Request> out = new ArrayList<>();
        for (JsonNode r : control("GET", "/_test/requests", null)) {
            out.add(new Request(r.get("identity").asText(), r.get("method").asText(),
                    r.get("path").asText().replaceAll("/$", ""), r.get("status").asInt(), r.path("host").asText("")));
        }
        return out;
    }

    private JsonNode control(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + httpsPort + path)).method(method, publisher)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("test server answered " + response.statusCode() + " to " + method
                        + " " + path);
            }
            return response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext trusting(Path ca) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (var in = Files.newInputStream(ca)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
