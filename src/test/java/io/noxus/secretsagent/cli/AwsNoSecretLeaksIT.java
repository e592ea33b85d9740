package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.MotoServer;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Every AWS secret value, and the secret access key and session token the agent runs with, are canaries. The
 * packaged agent is driven through success, change, dry-run diff, JSON output, check, a missing secret, a missing
 * JSON key, a #key on a plain secret, a value a format refuses, refused credentials and an unreachable server;
 * nothing it printed (stdout, stderr, logs) or kept in its state may contain a canary.
 */
class AwsNoSecretLeaksIT {
    static final String CANARY = "CANARYa9e1";

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @TempDir
    Path dir;

    @Test
    void noCanaryReachesStdoutStderrOrTheStateFolder() throws IOException {
        MOTO.reset();
        MOTO.relaxIam();
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKIACANARYTEST000001",
                "AWS_SECRET_ACCESS_KEY", CANARY + "-secret-access-key", "AWS_SESSION_TOKEN", CANARY + "-token",
                "AWS_EC2_METADATA_DISABLED", "true");
        try (SecretsManagerClient admin = MOTO.secretsManager()) {
            admin.createSecret(b -> b.name("db").secretString("{\"url\": \"" + CANARY + "-url-1\", \"n\": 1}"));
            admin.createSecret(b -> b.name("plain").secretString(CANARY + "-plain"));
            admin.createSecret(b -> b.name("multi").secretString(CANARY + "-line one\nline two"));
            admin.createSecret(b -> b.name("key").secretBinary(SdkBytes.fromUtf8String(CANARY + "-pem")));
        }
        Path config = write("config.yaml", """
                roots: [out]
                state_dir: out/.state
                backends:
                  aws: {type: aws-secrets-manager, region: us-east-1, endpoint: "ENDPOINT", request_timeout_seconds: 2}
                services:
                  api: {role: backend, output: {path: out/api.env, format: systemd}, units: [api.service]}
                  worker: {role: worker, output: {path: out/worker.env, format: docker}}
                mappings:
                  - {env: DB, ref: "aws:db#url", scope: global}
                  - {bulk: "aws:db", prefix: ALL_, transform: upper, scope: workers}
                  - {env: PLAIN, ref: "aws:plain", scope: global}
                  - {env: MULTI, ref: "aws:multi", scope: "service:api"}
                files:
                  - {path: out/key.pem, ref: "aws:key", scope: "service:api"}
                """.replace("ENDPOINT", MOTO.endpoint().toString()));
        String c = config.toString();
        List<AgentProcess.Result> runs = new ArrayList<>();
        runs.add(AgentProcess.run(dir, env, "render", "--no-act", "-c", c));
        assertThat(runs.get(0).exit()).as(runs.get(0).all()).isZero();
        try (SecretsManagerClient admin = MOTO.secretsManager()) {
            admin.putSecretValue(b -> b.secretId("db").secretString("{\"url\": \"" + CANARY + "-url-2\"}"));
        }
        runs.add(AgentProcess.run(dir, env, "render", "--no-act", "-c", c, "--dry-run", "--diff"));
        runs.add(AgentProcess.run(dir, env, "render", "--no-act", "-c", c, "--dry-run", "--diff", "--output", "json"));
        runs.add(AgentProcess.run(dir, env, "check", "-c", c, "--backends"));
        Files.writeString(config, Files.readString(config).replace("aws:plain", "aws:plain#" + "k")
                .replace("aws:db#url", "aws:db#gone").replace("aws:key", "aws:absent")
                .replace("scope: \"service:api\"}\nfiles", "scope: workers}\nfiles"));
        runs.add(AgentProcess.run(dir, env, "render", "--no-act", "-c", c, "--diff"));
        runs.add(AgentProcess.run(dir, env, "render", "--no-act", "-c", c, "--output", "json"));
        MOTO.enforceIam();
        runs.add(AgentProcess.run(dir, env, "render", "--no-act", "-c", c));
        MOTO.relaxIam();
        MOTO.stop();
        try {
            runs.add(AgentProcess.run(dir, env, "render", "--no-act", "-c", c, "--diff"));
            runs.add(AgentProcess.run(dir, env, "check", "-c", c, "--backends"));
        } finally {
            MOTO.start();
        }

        assertThat(runs.get(1).out()).contains("~DB");
        assertThat(runs.get(4).exit()).as(runs.get(4).all()).isEqualTo(1);
        assertThat(runs.get(4).out()).as(runs.get(4).err()).contains("the secret has no field 'gone'",
                "not a set of fields", "answered ResourceNotFoundException",
                "variable MULTI (aws:multi) cannot be written to");
        assertThat(runs.get(6).out()).contains("access refused");
        assertThat(runs.get(7).out()).contains("cannot reach AWS Secrets Manager");
        AgentProcess.assertNothingPrintedOrKeptContains(CANARY, runs, dir.resolve("out/.state"));
        assertThat(Files.readString(dir.resolve("out/api.env"))).contains(CANARY + "-url-1");
        assertThat(Files.readString(dir.resolve("out/key.pem"))).contains(CANARY + "-pem");
    }

    private Path write(String name, String text) {
        return PrivateFiles.write(dir, name, text);
    }
}
