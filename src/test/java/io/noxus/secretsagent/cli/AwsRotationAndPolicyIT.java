package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.RenderRequest;
import io.noxus.secretsagent.engine.OutputResult;
import io.noxus.secretsagent.engine.RenderEngine;
import io.noxus.secretsagent.engine.RotationReport;
import io.noxus.secretsagent.testsupport.ManualClock;
import io.noxus.secretsagent.testsupport.MotoServer;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import io.noxus.secretsagent.testsupport.TestHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Rotation ages and the generated IAM policy against moto's real server: ages are moto's own CreatedDate of the
 * current version, learnt from the BatchGetSecretValue answer the render already gets (no extra call);
 * DescribeSecret is called only by the report. moto enforces IAM per action but evaluates every Secrets Manager call
 * against resource "*", so secret-level statements cannot be proven there: the tests below pin that down.
 */
class AwsRotationAndPolicyIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();
    static final String CANARY = "CANARY41e8";
    static final String ACCOUNT = "123456789012";
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    final Map<String, Instant> created = new LinkedHashMap<>();

    @BeforeEach
    void secrets() {
        MOTO.relaxIam();
        MOTO.reset();
        try (SecretsManagerClient admin = MOTO.secretsManager()) {
            admin.createSecret(b -> b.name("noxus/openai").secretString(CANARY + "-openai"));
            admin.createSecret(b -> b.name("noxus/platform").secretString("{\"database_url\": \"" + CANARY + "-db\"}"));
            admin.createSecret(b -> b.name("noxus/banking").secretString(CANARY + "-bank"));
            admin.createSecret(b -> b.name("noxus/neighbour").secretString(CANARY + "-neighbour"));
            for (String name : List.of("noxus/openai", "noxus/platform", "noxus/banking")) {
                created.put(name, admin.getSecretValue(b -> b.secretId(name)).createdDate());
            }
        }
    }

    @AfterEach
    void relax() {
        MOTO.relaxIam();
        System.clearProperty("aws.sharedCredentialsFile");
    }

    Path config(String name, String profileLine) throws IOException {
        return PrivateFiles.write(dir, name, """
                roots: [out]
                state_dir: out/.state
                backends:
                  aws:
                    type: aws-secrets-manager
                    region: us-east-1
                    endpoint: "%s"
                %s
                services:
                  backend: {role: backend, output: {path: out/backend.env, format: systemd}}
                  worker-finance: {role: worker, pool: finance, output: {path: out/worker-finance.env, format: systemd}}
                mappings:
                  - {env: OPENAI_API_KEY, ref: "aws:noxus/openai", scope: "service:backend",
                     rotation: {max_age_days: 30, warn_days: 7}}
                  - {env: DATABASE_URL, ref: "aws:noxus/platform#database_url", scope: global}
                  - {env: BANKING_API_KEY, ref: "aws:noxus/banking", scope: "pool:finance",
                     rotation: {max_age_days: 45, warn_days: 7}}
                """.formatted(MOTO.endpoint(), profileLine));
    }

    static ManualClock clockAt(Instant when) {
        return ManualClock.at(when);
    }

    static InProcess.Run run(ManualClock clock, String... args) {
        return InProcess.runHiding(CANARY, TestHosts.on(clock), args);
    }

    @Test
    void checkRotationGivesMotosCreatedDateAndOverdueDueOkAndTheBackendsOwnScheduleFromDescribeSecret()
            throws IOException {
        Path config = config("rotation.yaml", "");
        ManualClock clock = clockAt(created.get("noxus/openai").plus(Duration.ofDays(40).plusHours(12)));
        MOTO.startRecording();
        InProcess.Run text = run(clock, "check", "--rotation", "-c", config.toString());
        List<String> calls = MOTO.recordedCalls();
        InProcess.Run json = run(clock, "check", "--rotation", "--output", "json", "-c", config.toString());

        assertThat(text.exit()).as(text.all()).isEqualTo(1);
        assertThat(text.out()).contains("overdue by 10 d").contains("due in 5 d").contains("ok")
                .contains("BACKEND ROTATION").contains("off");
        assertThat(calls).as("the report asks DescribeSecret once per secret; the values come in one batch")
                .containsExactlyInAnyOrder("secretsmanager.BatchGetSecretValue", "secretsmanager.DescribeSecret",
                        "secretsmanager.DescribeSecret", "secretsmanager.DescribeSecret");
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        JSON.readTree(json.out()).path("references").forEach(r -> rows.put(r.path("reference").asText(), r));
        assertThat(json.exit()).isEqualTo(1);
        for (String name : created.keySet()) {
            JsonNode row = rows.values().stream().filter(r -> r.path("reference").asText().startsWith("aws:" + name))
                    .findFirst().orElseThrow();
            assertThat(Instant.parse(row.path("set_at").asText())).as(name).isEqualTo(created.get(name));
            assertThat(row.path("backend_rotation").path("enabled").asBoolean(true)).isFalse();
        }
        assertThat(rows.get("aws:noxus/openai").path("state").asText()).isEqualTo("overdue");
        assertThat(rows.get("aws:noxus/banking").path("status").asText()).isEqualTo("due in 5 d");
        assertThat(rows.get("aws:noxus/platform#database_url").path("status").asText()).isEqualTo("ok");
    }

    @Test
    void theDaemonsCycleLearnsAgesFromTheBatchItAlreadyMakesAndCallsNothingElse() throws IOException {
        Path config = config("cycle.yaml", "");
        try (Agent agent = Agent.open(config, TestHosts.on(clockAt(created.get("noxus/openai")
                .plus(Duration.ofDays(31)))))) {
            agent.render(RenderRequest.all(Duration.ofSeconds(1)));
            MOTO.startRecording();
            RenderEngine.Rendering second = agent.render(RenderRequest.all(Duration.ofSeconds(1)));
            assertThat(MOTO.recordedCalls()).containsExactly("secretsmanager.BatchGetSecretValue");
            assertThat(second.report().outputs()).allSatisfy(o -> assertThat(o.status())
                    .isEqualTo(OutputResult.Status.UNCHANGED));
            RotationReport.Row openai = second.rotation().rows().stream()
                    .filter(r -> r.reference().equals("aws:noxus/openai")).findFirst().orElseThrow();
            assertThat(openai.setAt()).contains(created.get("noxus/openai"));
            assertThat(openai.state()).isEqualTo(RotationReport.State.OVERDUE);
            assertThat(openai.schedule()).as("a render never describes").isEmpty();
        }
    }

    @Test
    void theGeneratedPolicyNamesEachSecretArnWithTheSuffixWildcardBatchOnAnyResourceAndTheRoleToAssume()
            throws IOException {
        Path config = config("policy.yaml",
                "    assume_role: {role_arn: \"arn:aws:iam::210987654321:role/noxus-reader\"}");
        InProcess.Run run = run(new ManualClock(), "policy", "aws", "--account", ACCOUNT, "-c", config.toString());
        assertThat(run.exit()).as(run.all()).isZero();
        JsonNode policy = JSON.readTree(run.out());
        assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
        Map<String, JsonNode> byAction = new LinkedHashMap<>();
        policy.path("Statement").forEach(s -> byAction.merge(s.path("Action").asText(), s.path("Resource"),
                (a, b) -> ((ArrayNode) JSON.createArrayNode().add(a).add(b))));
        assertThat(byAction.get("secretsmanager:BatchGetSecretValue").asText()).isEqualTo("*");
        assertThat(byAction.get("sts:AssumeRole").asText()).isEqualTo("arn:aws:iam::210987654321:role/noxus-reader");
        assertThat(run.out()).contains("\"arn:aws:secretsmanager:us-east-1:" + ACCOUNT + ":secret:noxus/openai-??????\"")
                .contains(":secret:noxus/platform-??????").contains(":secret:noxus/banking-??????")
                .doesNotContain("neighbour").doesNotContain("kms:");
        assertThat(policy.path("Statement").size()).isEqualTo(5);

        InProcess.Run finance = run(new ManualClock(), "policy", "aws", "--account", ACCOUNT, "--service",
                "worker-finance", "-c", config.toString());
        assertThat(finance.out()).contains("noxus/banking").contains("noxus/platform").doesNotContain("openai");
        InProcess.Run anyAccount = run(new ManualClock(), "policy", "aws", "-c", config.toString());
        assertThat(anyAccount.out()).contains("arn:aws:secretsmanager:us-east-1:*:secret:noxus/openai-??????");
        assertThat(anyAccount.err()).contains("pass --account ID");
    }

    @Test
    void credentialsWhoseOnlyPolicyIsTheGeneratedOneRenderEverythingOnMotoWithIamEnforced() throws IOException {
        ObjectNode generated = (ObjectNode) JSON.readTree(run(new ManualClock(), "policy", "aws", "--account",
                ACCOUNT, "-c", config("source.yaml", "").toString()).out());
        useUser("agent", generated);
        Path config = config("agent.yaml", "    profile: agent");

        MOTO.enforceIam();
        InProcess.Run render = run(new ManualClock(), "render", "--no-act", "-c", config.toString());

        assertThat(render.exit()).as(render.all()).isZero();
        assertThat(Files.readString(dir.resolve("out/backend.env"))).contains("OPENAI_API_KEY=\"" + CANARY)
                .contains("DATABASE_URL=");
        assertThat(Files.readString(dir.resolve("out/worker-finance.env"))).contains("BANKING_API_KEY=");
    }

    /**
     * On real AWS, removing one secret's GetSecretValue statement makes exactly that secret's outputs fail with
     * AccessDenied (BatchGetSecretValue answers it as an error). moto cannot show it: it checks every Secrets Manager
     * call against resource "*", so it ignores which secrets a statement names. This test pins that limitation
     * (it fails, asking for the real assertion, the day moto evaluates resources).
     */
    @Test
    void motoIgnoresSecretLevelStatementsSoRemovingOneDeniesNothingAndNamingOnlyArnsDeniesEverything()
            throws IOException {
        ObjectNode generated = (ObjectNode) JSON.readTree(run(new ManualClock(), "policy", "aws", "--account",
                ACCOUNT, "-c", config("source.yaml", "").toString()).out());
        ObjectNode withoutBanking = generated.deepCopy();
        ArrayNode statements = (ArrayNode) withoutBanking.path("Statement");
        for (int i = statements.size() - 1; i >= 0; i--) {
            if (statements.get(i).toString().contains("noxus/banking")) {
                statements.remove(i);
            }
        }
        assertThat(withoutBanking.toString()).doesNotContain("noxus/banking");
        useUser("agent", withoutBanking);
        Path config = config("agent.yaml", "    profile: agent");

        MOTO.enforceIam();
        InProcess.Run render = run(new ManualClock(), "render", "--no-act", "-c", config.toString());
        assertThat(render.exit()).as("moto still answers the secret whose statement was removed: " + render.all())
                .isZero();
        assertThat(Files.readString(dir.resolve("out/worker-finance.env"))).contains("BANKING_API_KEY=");

        MOTO.relaxIam();
        ObjectNode arnsOnly = generated.deepCopy();
        ArrayNode kept = (ArrayNode) arnsOnly.path("Statement");
        for (int i = kept.size() - 1; i >= 0; i--) {
            if (!kept.get(i).path("Action").asText().equals("secretsmanager:GetSecretValue")) {
                kept.remove(i);
            }
        }
        setPolicy("agent", arnsOnly);
        MOTO.enforceIam();
        InProcess.Run suffix = run(new ManualClock(), "render", "--no-act", "--dry-run", "-c", config.toString());
        assertThat(suffix.exit()).isEqualTo(1);
        assertThat(suffix.out()).as("moto turns the policy pattern into a Python regex, and '-??????' is none: 500")
                .contains("aws:noxus/openai").contains("(HTTP 500)");

        MOTO.relaxIam();
        String openaiArn;
        try (SecretsManagerClient admin = MOTO.secretsManager()) {
            openaiArn = admin.describeSecret(b -> b.secretId("noxus/openai")).arn();
        }
        setPolicy("agent", (ObjectNode) JSON.readTree("{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": "
                + "\"Allow\", \"Action\": \"secretsmanager:GetSecretValue\", \"Resource\": \"" + openaiArn + "\"}]}"));
        MOTO.enforceIam();
        InProcess.Run exact = run(new ManualClock(), "render", "--no-act", "--dry-run", "--service", "backend", "-c",
                config.toString());
        assertThat(exact.exit()).isEqualTo(1);
        assertThat(exact.out()).as("GetSecretValue allowed on the secret's exact ARN is still denied: moto "
                + "matched the statement against \"*\"").contains("aws:noxus/openai: ").contains("access refused");
    }

    void setPolicy(String user, ObjectNode policy) {
        try (IamClient iam = MOTO.iam()) {
            iam.putUserPolicy(b -> b.userName(user).policyName("generated").policyDocument(policy.toString()));
        }
    }

    /** An IAM user whose only policy is {@code policy}, as profile {@code name} of a credentials file. */
    void useUser(String name, ObjectNode policy) throws IOException {
        AccessKey key;
        try (IamClient iam = MOTO.iam()) {
            iam.createUser(b -> b.userName(name));
            iam.putUserPolicy(b -> b.userName(name).policyName("generated").policyDocument(policy.toString()));
            key = iam.createAccessKey(b -> b.userName(name)).accessKey();
        }
        Path credentials = PrivateFiles.write(dir, "credentials", "[" + name + "]\naws_access_key_id = "
                + key.accessKeyId() + "\naws_secret_access_key = " + key.secretAccessKey() + "\n");
        System.setProperty("aws.sharedCredentialsFile", credentials.toString());
    }
}
