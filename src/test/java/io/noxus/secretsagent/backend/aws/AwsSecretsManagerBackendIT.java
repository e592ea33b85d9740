package io.noxus.secretsagent.backend.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.config.AwsBackendSettings;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.testsupport.MotoServer;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The backend against moto's real Secrets Manager, STS and IAM APIs. */
class AwsSecretsManagerBackendIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private SecretsManagerClient admin;
    private final List<AwsSecretsManagerBackend> opened = new ArrayList<>();

    @BeforeEach
    void setUp() {
        MOTO.relaxIam();
        MOTO.reset();
        admin = MOTO.secretsManager();
    }

    @AfterEach
    void tearDown() {
        opened.forEach(AwsSecretsManagerBackend::close);
        admin.close();
        MOTO.relaxIam();
        System.clearProperty("aws.sharedCredentialsFile");
    }

    @Test
    void plainJsonAndBinarySecretsByNameFullArnAndPartialArn() {
        admin.createSecret(b -> b.name("noxus/redis").secretString("redis://:pw@host:6379/0"));
        String dbArn = admin.createSecret(b -> b.name("noxus/db").secretString(
                "{\"url\": \"pg://u:p@db/noxus\", \"port\": 5432, \"ssl\": true, \"opts\": {\"a\": [1, 2]}}")).arn();
        byte[] key = {0, 1, (byte) 0xff, '\n', 'k'};
        admin.createSecret(b -> b.name("noxus/tls.key").secretBinary(SdkBytes.fromByteArray(key)));
        String partialArn = dbArn.substring(0, dbArn.length() - 7);

        Map<Reference, Fetched> got = backend().fetch(refs("aws:noxus/redis", "aws:noxus/db", "aws:" + dbArn,
                "aws:" + partialArn, "aws:noxus/tls.key"));

        assertThat(text(got, "aws:noxus/redis")).isEqualTo("redis://:pw@host:6379/0");
        for (String db : List.of("aws:noxus/db", "aws:" + dbArn, "aws:" + partialArn)) {
            assertThat(text(got, db + "#url")).isEqualTo("pg://u:p@db/noxus");
            assertThat(text(got, db + "#port")).as("a number keeps its JSON text").isEqualTo("5432");
            assertThat(text(got, db + "#ssl")).isEqualTo("true");
            assertThat(text(got, db + "#opts")).as("an object keeps its JSON text").isEqualTo("{\"a\": [1, 2]}");
        }
        assertThat(document(got, "aws:noxus/db").fields()).containsOnlyKeys("url", "port", "ssl", "opts");
        assertThat(value(got, "aws:noxus/tls.key").bytes()).isEqualTo(key);
        assertThat(document(got, "aws:noxus/redis").fields()).isEmpty();
    }

    @Test
    void versionStageAndVersionIdPinsReadThatVersion() {
        String first = admin.createSecret(b -> b.name("noxus/api-key").secretString("one")).versionId();
        admin.putSecretValue(b -> b.secretId("noxus/api-key").secretString("two"));

        Map<Reference, Fetched> got = backend().fetch(refs("aws:noxus/api-key",
                "aws:noxus/api-key?version_stage=AWSPREVIOUS", "aws:noxus/api-key?version_id=" + first,
                "aws:noxus/api-key?version_stage=AWSCURRENT"));

        assertThat(text(got, "aws:noxus/api-key")).isEqualTo("two");
        assertThat(text(got, "aws:noxus/api-key?version_stage=AWSCURRENT")).isEqualTo("two");
        assertThat(text(got, "aws:noxus/api-key?version_stage=AWSPREVIOUS")).isEqualTo("one");
        assertThat(text(got, "aws:noxus/api-key?version_id=" + first)).isEqualTo("one");
        assertThat(document(got, "aws:noxus/api-key?version_id=" + first).version()).contains(first);
    }

    /**
     * N current secrets take ceil(N/20) BatchGetSecretValue calls on every fetch; a stage pin one GetSecretValue
     * per fetch; a version-id pin one GetSecretValue in the life of the backend.
     */
    @Test
    void requestCountsOnAFirstAndAnUnchangedSecondFetch() {
        int n = 45;
        IntStream.range(0, n).forEach(i -> admin.createSecret(b -> b.name("s/" + i).secretString("v" + i)));
        String first = admin.createSecret(b -> b.name("pinned").secretString("old")).versionId();
        admin.putSecretValue(b -> b.secretId("pinned").secretString("new"));
        List<String> names = new ArrayList<>(IntStream.range(0, n).mapToObj(i -> "aws:s/" + i).toList());
        names.add("aws:pinned?version_stage=AWSPREVIOUS");
        names.add("aws:pinned?version_id=" + first);
        AwsSecretsManagerBackend backend = backend();

        MOTO.startRecording();
        Map<Reference, Fetched> firstFetch = backend.fetch(refs(names.toArray(String[]::new)));
        List<String> firstCalls = MOTO.recordedCalls();
        MOTO.startRecording();
        Map<Reference, Fetched> secondFetch = backend.fetch(refs(names.toArray(String[]::new)));
        List<String> secondCalls = MOTO.recordedCalls();

        assertThat(firstCalls).containsExactlyInAnyOrder(
                "secretsmanager.BatchGetSecretValue", "secretsmanager.BatchGetSecretValue",
                "secretsmanager.BatchGetSecretValue", "secretsmanager.GetSecretValue",
                "secretsmanager.GetSecretValue");
        assertThat(secondCalls).containsExactlyInAnyOrder(
                "secretsmanager.BatchGetSecretValue", "secretsmanager.BatchGetSecretValue",
                "secretsmanager.BatchGetSecretValue", "secretsmanager.GetSecretValue");
        assertThat(backend.requests()).as("the backend's own count (the metrics) is what the server saw")
                .isEqualTo(firstCalls.size() + secondCalls.size());
        assertThat(text(secondFetch, "aws:s/44")).isEqualTo("v44");
        assertThat(document(secondFetch, "aws:s/7")).as("an unchanged version is not parsed again")
                .isSameAs(document(firstFetch, "aws:s/7"));
        assertThat(text(secondFetch, "aws:pinned?version_id=" + first)).isEqualTo("old");

        admin.putSecretValue(b -> b.secretId("s/7").secretString("changed"));
        MOTO.startRecording();
        Map<Reference, Fetched> third = backend.fetch(refs(names.toArray(String[]::new)));
        assertThat(text(third, "aws:s/7")).isEqualTo("changed");
        assertThat(MOTO.recordedCalls()).hasSize(4);
    }

    @Test
    void missingDeletedAndUnreadableSecretsArePermanentAndLocated() {
        admin.createSecret(b -> b.name("present").secretString("ok"));
        admin.createSecret(b -> b.name("deleted").secretString("x"));
        admin.deleteSecret(b -> b.secretId("deleted"));

        Map<Reference, Fetched> got = backend().fetch(refs("aws:present", "aws:absent", "aws:deleted",
                "aws:present?version_id=00000000-0000-0000-0000-000000000000", "aws:present?version=1",
                "aws:bad|name"));

        assertThat(text(got, "aws:present")).isEqualTo("ok");
        assertPermanent(got, "aws:absent", "aws:absent: AWS Secrets Manager (backend 'aws', region us-east-1, "
                + "endpoint " + MOTO.endpoint() + ") answered ResourceNotFoundException: no such secret (or version)");
        assertPermanent(got, "aws:deleted", "answered InvalidRequestException: the secret cannot be read in its "
                + "current state");
        assertPermanent(got, "aws:present?version_id=00000000-0000-0000-0000-000000000000",
                "answered ResourceNotFoundException");
        assertPermanent(got, "aws:present?version=1", "a version pin is written ?version_stage=STAGE or "
                + "?version_id=ID");
        assertPermanent(got, "aws:bad|name", "'bad|name' is neither a secret name");
    }

    @Test
    void aJsonKeyThatIsMissingOrASecretThatIsNotJsonFailsPermanently() {
        admin.createSecret(b -> b.name("json").secretString("{\"a\": \"1\"}"));
        admin.createSecret(b -> b.name("plain").secretString("not json {"));
        Map<Reference, Fetched> got = backend().fetch(refs("aws:json", "aws:plain"));

        assertThat(failure(got, "aws:json#b")).satisfies(e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e).hasMessage("aws:json#b: the secret has no field 'b'; fields present: a");
        });
        assertThat(failure(got, "aws:plain#a")).satisfies(e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).contains("not a set of fields");
        });
    }

    @Test
    void credentialsThatMayNotBatchFallBackToOneGetSecretValuePerSecret(@TempDir Path dir) throws IOException {
        admin.createSecret(b -> b.name("a").secretString("A"));
        admin.createSecret(b -> b.name("b").secretString("B"));
        AccessKey reader;
        AccessKey nobody;
        try (IamClient iam = MOTO.iam()) {
            reader = user(iam, "reader", "secretsmanager:GetSecretValue");
            nobody = user(iam, "nobody", null);
        }
        Files.writeString(dir.resolve("credentials"), profile("reader", reader) + profile("nobody", nobody)
                + "[forged]\naws_access_key_id = AKIAFORGED0000000000\naws_secret_access_key = forged\n");
        System.setProperty("aws.sharedCredentialsFile", dir.resolve("credentials").toString());
        MOTO.enforceIam();

        AwsSecretsManagerBackend backend = backend(Optional.of("reader"), Optional.empty(), MOTO.endpoint());
        MOTO.startRecording();
        Map<Reference, Fetched> got = backend.fetch(refs("aws:a", "aws:b"));
        assertThat(text(got, "aws:a")).isEqualTo("A");
        assertThat(text(got, "aws:b")).isEqualTo("B");
        assertThat(MOTO.recordedCalls()).containsExactly("secretsmanager.BatchGetSecretValue",
                "secretsmanager.GetSecretValue", "secretsmanager.GetSecretValue");
        MOTO.startRecording();
        backend.fetch(refs("aws:a", "aws:b"));
        assertThat(MOTO.recordedCalls()).as("the denial is remembered")
                .containsExactly("secretsmanager.GetSecretValue", "secretsmanager.GetSecretValue");

        Map<Reference, Fetched> denied = backend(Optional.of("nobody"), Optional.empty(), MOTO.endpoint())
                .fetch(refs("aws:a"));
        assertPermanent(denied, "aws:a", "access refused; check the credentials and that their IAM policy allows");
        Map<Reference, Fetched> forged = backend(Optional.of("forged"), Optional.empty(), MOTO.endpoint())
                .fetch(refs("aws:a"));
        assertThat(failure(forged, "aws:a").isTransient()).isFalse();
        assertThat(failure(forged, "aws:a").getMessage()).doesNotContain("forged\n").contains("HTTP 403");
    }

    @Test
    void assumeRoleSignsSecretsManagerCallsWithTheRoleSessionOnce() {
        admin.createSecret(b -> b.name("a").secretString("A"));
        AwsSecretsManagerBackend backend = backend(Optional.empty(), Optional.of(new AwsBackendSettings.AssumeRole(
                "arn:aws:iam::123456789012:role/noxus-reader", "noxus-test", Optional.of("ext-id-1"),
                Optional.of(MOTO.endpoint()))), MOTO.endpoint());

        MOTO.startRecording();
        assertThat(text(backend.fetch(refs("aws:a")), "aws:a")).isEqualTo("A");
        assertThat(text(backend.fetch(refs("aws:a")), "aws:a")).isEqualTo("A");

        assertThat(MOTO.recordedCalls()).containsExactly("sts.AssumeRole", "secretsmanager.BatchGetSecretValue",
                "secretsmanager.BatchGetSecretValue");
        List<String> auth = MOTO.recordedAuthorizations();
        assertThat(auth.get(0)).contains("Credential=" + MotoServer.ACCESS_KEY + "/");
        assertThat(auth.get(1)).as("signed by the role session's temporary key").contains("Credential=ASIA")
                .doesNotContain(MotoServer.ACCESS_KEY);
    }

    @Test
    void anUnreachableEndpointAndASilentOneAreTransient() throws IOException {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        assertThat(failure(backend(Optional.empty(), Optional.empty(), closed).fetch(refs("aws:a")), "aws:a"))
                .satisfies(e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.getMessage()).contains("cannot reach AWS Secrets Manager (backend 'aws', region "
                            + "us-east-1, endpoint " + closed + ") (ConnectException)");
                });

        List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.start();
            URI endpoint = URI.create("http://127.0.0.1:" + silent.getLocalPort());
            BackendException e = failure(backend(Optional.empty(), Optional.empty(), endpoint).fetch(refs("aws:a")),
                    "aws:a");
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).contains("gave no complete answer within 1 s (request_timeout_seconds)");
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /**
     * moto cannot answer 5xx or throttle, so a JDK HttpServer answers as Secrets Manager does then (a JSON error
     * with its __type). The SDK must make exactly one attempt (the cycle owns retries) and the failure is transient.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        500 | InternalServiceError | answered InternalServiceError: a server-side failure; will retry (HTTP 500
        400 | ThrottlingException  | answered ThrottlingException: requests are throttled; will retry with backoff
        503 | ServiceUnavailable   | answered ServiceUnavailable: a server-side failure; will retry (HTTP 503
        """)
    void serverErrorsAndThrottlingAreTransientAndTriedOnce(int status, String type, String message)
            throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"__type\":\"" + type + "\",\"message\":\"" + "CANARY" + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.getResponseHeaders().add("x-amzn-RequestId", "req-" + status);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            AwsSecretsManagerBackend backend = backend(Optional.empty(), Optional.empty(), endpoint);
            BackendException e = failure(backend.fetch(refs("aws:a", "aws:b")), "aws:b");
            assertThat(backend.throttles()).as("counted as a throttle for the metrics")
                    .isEqualTo(type.equals("ThrottlingException") ? 1 : 0);
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).contains(message).contains("request id req-" + status)
                    .doesNotContain("CANARY");
            assertThat(requests).as("one attempt, no SDK retries").hasValue(1);
        } finally {
            server.stop(0);
        }
    }

    private static AccessKey user(IamClient iam, String name, String action) {
        iam.createUser(b -> b.userName(name));
        if (action != null) {
            iam.putUserPolicy(b -> b.userName(name).policyName("p").policyDocument("{\"Version\":\"2012-10-17\","
                    + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"" + action + "\",\"Resource\":\"*\"}]}"));
        }
        return iam.createAccessKey(b -> b.userName(name)).accessKey();
    }

    private static String profile(String name, AccessKey key) {
        return "[" + name + "]\naws_access_key_id = " + key.accessKeyId() + "\naws_secret_access_key = "
                + key.secretAccessKey() + "\n";
    }

    private AwsSecretsManagerBackend backend() {
        return backend(Optional.empty(), Optional.empty(), MOTO.endpoint());
    }

    private AwsSecretsManagerBackend backend(Optional<String> profile, Optional<AwsBackendSettings.AssumeRole> role,
                                             URI endpoint) {
        AwsSecretsManagerBackend backend = new AwsSecretsManagerBackend(new AwsBackendSettings("aws",
                Optional.of(MotoServer.REGION), Optional.of(endpoint), profile, role, Duration.ofSeconds(1)),
                Clock.systemUTC());
        opened.add(backend);
        return backend;
    }

    static Set<Reference> refs(String... refs) {
        Set<Reference> out = new LinkedHashSet<>();
        for (String ref : refs) {
            out.add(Reference.parse(ref));
        }
        return out;
    }

    static io.noxus.secretsagent.backend.SecretDocument document(Map<Reference, Fetched> got, String ref) {
        Fetched answer = got.get(Reference.parse(ref).document());
        assertThat(answer).as(ref).isNotNull();
        assertThat(answer).as(ref).isInstanceOf(Fetched.Found.class);
        return ((Fetched.Found) answer).document();
    }

    static io.noxus.secretsagent.secret.SecretValue value(Map<Reference, Fetched> got, String ref) {
        return document(got, ref).value(Reference.parse(ref));
    }

    static String text(Map<Reference, Fetched> got, String ref) {
        return new String(value(got, ref).bytes(), StandardCharsets.UTF_8);
    }

    static BackendException failure(Map<Reference, Fetched> got, String ref) {
        Reference parsed = Reference.parse(ref);
        Fetched answer = got.get(parsed.document());
        assertThat(answer).as(ref).isNotNull();
        if (answer instanceof Fetched.Failed failed) {
            return failed.failure();
        }
        try {
            ((Fetched.Found) answer).document().value(parsed);
        } catch (BackendException e) {
            return e;
        }
        throw new AssertionError(ref + " did not fail");
    }

    private static void assertPermanent(Map<Reference, Fetched> got, String ref, String messagePart) {
        BackendException e = failure(got, ref);
        assertThat(e.isTransient()).as(e.getMessage()).isFalse();
        assertThat(e.getMessage()).contains(messagePart);
    }
}
