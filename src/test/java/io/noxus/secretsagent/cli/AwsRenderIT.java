package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.MotoServer;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@code render} of a config that mixes {@code file:} and {@code aws:} references, against moto's server: scoped
 * outputs, a bulk JSON secret, an ARN reference, a SecretBinary secret file; then last-known-good when the server
 * goes away in the middle of a run of renders, and recovery when it is back.
 */
class AwsRenderIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    static final String CONFIG = """
            roots: [out]
            state_dir: out/.state
            backends:
              file: {type: file, path: secrets.yaml}
              aws: {type: aws-secrets-manager, region: us-east-1, endpoint: "ENDPOINT", request_timeout_seconds: 2}
            services:
              frontend: {role: frontend, output: {path: out/frontend.env, format: systemd}}
              backend:
                role: backend
                output: {path: out/backend.env, format: systemd}
                units: [noxus-backend.service]
              worker-finance: {role: worker, pool: finance, output: {path: out/worker-finance.env, format: dotenv}}
            main_env: {output: {path: out/env.vm, format: shell}}
            mappings:
              - {env: REDIS_PASSWORD, ref: "file:REDIS_PASSWORD", scope: global}
              - {env: FRONT_TOKEN, ref: "file:FRONT_TOKEN", scope: "service:frontend"}
              - {env: DATABASE_URL, ref: "aws:noxus/platform#database_url", scope: "service:backend"}
              - {env: SIGNING_KEY, ref: "aws:noxus/signing-key", scope: "service:backend"}
              - {bulk: "aws:noxus/workers", prefix: W_, transform: upper, scope: workers}
              - {env: BANK_API_KEY, ref: "aws:BANK_ARN", scope: "pool:finance"}
            files:
              - {path: out/tls.key, ref: "aws:noxus/tls-key", scope: "service:backend"}
            """;

    @TempDir
    Path dir;
    private Path config;

    @BeforeEach
    void setUp() throws IOException {
        MOTO.reset();
        String bankArn;
        try (SecretsManagerClient admin = MOTO.secretsManager()) {
            admin.createSecret(b -> b.name("noxus/platform").secretString(
                    "{\"database_url\": \"postgres://noxus:pw@db:5432/noxus\", \"unused\": \"x\"}"));
            admin.createSecret(b -> b.name("noxus/signing-key").secretString("sig-1"));
            admin.createSecret(b -> b.name("noxus/workers").secretString(
                    "{\"etl_db\": \"postgres://etl@db/etl\", \"openai_key\": \"sk-1\"}"));
            bankArn = admin.createSecret(b -> b.name("noxus/bank").secretString("bank-1")).arn();
            admin.createSecret(b -> b.name("noxus/tls-key").secretBinary(SdkBytes.fromByteArray(
                    "-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.UTF_8))));
        }
        config = write("config.yaml", CONFIG.replace("ENDPOINT", MOTO.endpoint().toString())
                .replace("BANK_ARN", bankArn));
        write("secrets.yaml", "REDIS_PASSWORD: \"redis-1\"\nFRONT_TOKEN: \"front-1\"\n");
    }

    @Test
    void rendersFileAndAwsReferencesIntoTheirScopes() throws IOException {
        InProcess.Run run = render();

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(vars("frontend.env")).isEqualTo("FRONT_TOKEN=\"front-1\"\nREDIS_PASSWORD=\"redis-1\"\n");
        assertThat(vars("backend.env")).isEqualTo("DATABASE_URL=\"postgres://noxus:pw@db:5432/noxus\"\n"
                + "REDIS_PASSWORD=\"redis-1\"\nSIGNING_KEY=\"sig-1\"\n");
        assertThat(vars("worker-finance.env")).isEqualTo("BANK_API_KEY=\"bank-1\"\n"
                + "REDIS_PASSWORD=\"redis-1\"\nW_ETL_DB=\"postgres://etl@db/etl\"\nW_OPENAI_KEY=\"sk-1\"\n");
        assertThat(vars("env.vm")).isEqualTo("export REDIS_PASSWORD='redis-1'\n");
        assertThat(read("tls.key")).isEqualTo("-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("out/tls.key"))))
                .as("secret files are read-only for their owner by default").isEqualTo("r--------");
        assertThat(render().exit()).isZero();
        assertThat(render("--detailed-exitcode").exit()).as("nothing changed").isZero();
    }

    @Test
    void whenTheServerGoesAwayOutputsThatNeedItKeepTheirBytesAndTheOthersStillRender() throws IOException {
        assertThat(render().exit()).isZero();
        String backend = read("backend.env");
        String worker = read("worker-finance.env");
        String key = read("tls.key");

        MOTO.stop();
        try {
            write("secrets.yaml", "REDIS_PASSWORD: \"redis-2\"\nFRONT_TOKEN: \"front-1\"\n");
            InProcess.Run run = render();

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.out()).contains("backend", "FAILED, previous content kept",
                    "aws:noxus/platform: cannot reach AWS Secrets Manager (backend 'aws', region "
                            + "us-east-1, endpoint " + MOTO.endpoint() + ") (ConnectException)",
                    "5 outputs: 2 written, 3 failed");
            assertThat(read("backend.env")).isEqualTo(backend);
            assertThat(read("worker-finance.env")).isEqualTo(worker);
            assertThat(read("tls.key")).isEqualTo(key);
            assertThat(read("frontend.env")).contains("REDIS_PASSWORD=\"redis-2\"");
            assertThat(vars("env.vm")).isEqualTo("export REDIS_PASSWORD='redis-2'\n");
        } finally {
            MOTO.start();
        }
        MOTO.reset();
        setUp();
        write("secrets.yaml", "REDIS_PASSWORD: \"redis-2\"\nFRONT_TOKEN: \"front-1\"\n");
        InProcess.Run recovered = render();
        assertThat(recovered.exit()).as(recovered.all()).isZero();
        assertThat(read("backend.env")).contains("REDIS_PASSWORD=\"redis-2\"", "DATABASE_URL=");
    }

    @Test
    void aMissingSecretAndAMissingJsonKeyFailOnlyTheOutputsThatNeedThem() throws IOException {
        try (SecretsManagerClient admin = MOTO.secretsManager()) {
            admin.deleteSecret(b -> b.secretId("noxus/bank").forceDeleteWithoutRecovery(true));
            admin.putSecretValue(b -> b.secretId("noxus/platform").secretString("{\"renamed\": \"x\"}"));
        }
        InProcess.Run run = render();

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("answered ResourceNotFoundException: no such secret (or version)",
                "aws:noxus/platform#database_url: the secret has no field 'database_url'; fields present: renamed",
                "5 outputs: 3 written, 2 failed");
        assertThat(Files.exists(dir.resolve("out/backend.env"))).isFalse();
        assertThat(Files.exists(dir.resolve("out/worker-finance.env"))).isFalse();
        assertThat(read("frontend.env")).contains("FRONT_TOKEN");
    }

    private InProcess.Run render(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "render";
        args[1] = "--no-act";   // files only: there are no units to restart on the test host
        args[2] = "-c";
        args[3] = config.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return InProcess.run(args);
    }

    /** An env file without the agent's header comment. */
    private String vars(String name) throws IOException {
        return read(name).replaceFirst("^# Managed by noxus-secrets-agent[^\n]*\n", "");
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve("out").resolve(name), StandardCharsets.UTF_8);
    }

    private Path write(String name, String text) {
        return PrivateFiles.write(dir, name, text);
    }
}
