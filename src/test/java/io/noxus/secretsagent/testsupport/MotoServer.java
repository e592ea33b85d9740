package io.noxus.secretsagent.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * moto's real server ({@code .tools/moto-venv/bin/moto_server}, installed by scripts/install-test-tools.sh) on a
 * free 127.0.0.1 port, for one test class: {@code @RegisterExtension static final MotoServer MOTO = new
 * MotoServer();}. It serves the Secrets Manager, STS and IAM APIs; its recorder (moto-api/recorder) lists the
 * requests it received, which is how tests count calls. Any access key is accepted until {@link #enforceIam()}.
 * The in-process SDK default credential chain is given the test keys through the aws.accessKeyId and
 * aws.secretAccessKey system properties.
 */
public final class MotoServer implements BeforeAllCallback, AfterAllCallback {
    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = "AKIAMOTOTESTKEY00001";
    public static final String SECRET_KEY = "moto-test-secret-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z]+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private Path workDir;
    private int port;
    private Thread stopOnExit;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Starts the server on a free port (or on its previous port after {@link #stop()}), and waits until it answers. */
    public void start() throws IOException {
        Path binary = RealReaders.repoRoot().resolve(".tools/moto-venv/bin/moto_server");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: run scripts/install-test-tools.sh (installs "
                    + "moto[server] into .tools/moto-venv), then run the tests again");
        }
        if (workDir == null) {
            workDir = Files.createTempDirectory("moto-");
            port = freePort();
        }
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(workDir.resolve("server.log").toFile());
        builder.environment().put("MOTO_RECORDER_FILEPATH", workDir.resolve("recording.jsonl").toString());
        process = builder.start();
        stopOnExit = new Thread(process::destroy);
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!answers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(workDir.resolve("server.log"));
                stop();
                throw new IllegalStateException("moto_server did not start on 127.0.0.1:" + port + ":\n" + log);
            }
            sleep(100);
        }
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
    }

    /** Stops the server (the port stays reserved for a later {@link #start()}). */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
        process = null;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A Secrets Manager client with the test keys, to arrange secrets. */
    public SecretsManagerClient secretsManager() {
        return SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(REGION))
                .endpointOverride(endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .build();
    }

    /** An IAM client with the test keys, to arrange users and policies before {@link #enforceIam()}. */
    public IamClient iam() {
        return IamClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.AWS_GLOBAL)
                .endpointOverride(endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .build();
    }

    /** From now on every request must be signed by an IAM user's key and allowed by its policies. */
    public void enforceIam() {
        post("/moto-api/reset-auth", "0");
    }

    /** Back to accepting any key. */
    public void relaxIam() {
        post("/moto-api/reset-auth", "inf");
    }

    /** Forgets every secret, user and role. */
    public void reset() {
        post("/moto-api/reset", "");
    }

    /** Starts (or restarts) counting: the recording is emptied and requests are recorded from now on. */
    public void startRecording() {
        post("/moto-api/recorder/reset-recording", "");
        post("/moto-api/recorder/start-recording", "");
    }

    /**
     * The API calls received since {@link #startRecording()}, as {@code service.Action}
     * ({@code secretsmanager.BatchGetSecretValue}, {@code sts.AssumeRole}).
     */
    public List<String> recordedCalls() {
        List<String> calls = new ArrayList<>();
        for (String line : send(HttpRequest.newBuilder(endpoint().resolve("/moto-api/recorder/download-recording"))
                .GET()).lines().toList()) {
            if (!line.isBlank()) {
                calls.add(call(line));
            }
        }
        return calls;
    }

    /** The Authorization header of each recorded request, to see which key signed it. */
    public List<String> recordedAuthorizations() {
        List<String> out = new ArrayList<>();
        for (String line : send(HttpRequest.newBuilder(endpoint().resolve("/moto-api/recorder/download-recording"))
                .GET()).lines().toList()) {
            if (!line.isBlank()) {
                out.add(readTree(line).path("headers").path("Authorization").asText(""));
            }
        }
        return out;
    }

    private static String call(String line) {
        JsonNode entry = readTree(line);
        String target = entry.path("headers").path("X-Amz-Target").asText("");
        if (!target.isEmpty()) {
            return target;
        }
        String body = entry.path("body").asText("");
        if (entry.path("body_encoded").asBoolean(false)) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        Matcher m = ACTION.matcher(body);
        String auth = entry.path("headers").path("Authorization").asText("");
        Matcher service = Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/").matcher(auth);
        return (service.find() ? service.group(1) : "?") + "." + (m.find() ? m.group(1) : "?");
    }

    private static JsonNode readTree(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean answers() {
        try {
            return http.send(HttpRequest.newBuilder(endpoint().resolve("/moto-api/data.json"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void post(String path, String body) {
        send(HttpRequest.newBuilder(endpoint().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private String send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("moto answered " + response.statusCode() + " to " + request.build()
                        .uri());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
