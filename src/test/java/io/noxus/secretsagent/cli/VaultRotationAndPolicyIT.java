package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.RenderRequest;
import io.noxus.secretsagent.engine.OutputResult;
import io.noxus.secretsagent.engine.RenderEngine;
import io.noxus.secretsagent.engine.RotationReport;
import io.noxus.secretsagent.testsupport.ManualClock;
import io.noxus.secretsagent.testsupport.OpenBaoServer;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import io.noxus.secretsagent.testsupport.TestHosts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation ages and generated policies against a real OpenBao server: ages are the server's own {@code created_time}
 * (KV v1 and the file backend say unknown), the daemon's cycle costs no request for them, and a token holding only
 * the policy {@code policy vault} prints renders everything while a neighbouring path stays denied.
 */
class VaultRotationAndPolicyIT {
    static final String CANARY = "CANARY7c2d";
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static OpenBaoServer server;
    static final Map<String, Instant> created = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        server = OpenBaoServer.start(dir.resolve("bao"));
        server.bao("secrets", "enable", "-path=kv1", "-version=1", "kv");
        server.bao("kv", "put", "secret/noxus/platform", "database_url=pg://" + CANARY, "redis_url=redis://" + CANARY);
        server.bao("kv", "put", "secret/noxus/openai", "api_key=" + CANARY + "-openai");
        server.bao("kv", "put", "secret/noxus/custom-nodes", "serp_api=" + CANARY + "-serp");
        server.bao("kv", "put", "secret/noxus/pinned", "key=" + CANARY + "-first");
        server.bao("kv", "put", "secret/noxus/pinned", "key=" + CANARY + "-second");
        server.bao("kv", "put", "secret/noxus/neighbour", "other=" + CANARY + "-neighbour");
        server.bao("kv", "put", "kv1/finance", "banking_api_key=" + CANARY + "-bank");
        server.bao("kv", "put", "kv1/other", "x=" + CANARY + "-other");
        for (String path : List.of("platform", "openai", "custom-nodes", "pinned")) {
            JsonNode meta = JSON.readTree(server.bao("kv", "metadata", "get", "-format=json", "secret/noxus/" + path));
            created.put(path, Instant.parse(meta.path("data").path("versions").path("1").path("created_time")
                    .asText()));
        }
        server.bao("policy", "write", "wide", write("wide.hcl", """
                path "secret/*" { capabilities = ["read"] }
                path "kv1/*" { capabilities = ["read"] }
                """).toString());
        write("wide.token", server.bao("token", "create", "-policy=wide", "-field=token"));
        write("secrets.yaml", "AUTH_SECRET: \"" + CANARY + "-auth\"\n");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A config reading every kind of reference, with the token in {@code tokenFile}, writing into {@code out}. */
    static Path config(String name, String tokenFile, String out) throws IOException {
        return write(name, """
                roots: [%2$s]
                state_dir: %2$s/.state
                rotation: {max_age_days: 90, warn_days: 14}
                backends:
                  file: {type: file, path: secrets.yaml}
                  vault:
                    type: vault
                    address: %1$s
                    auth: {method: token, token_file: %3$s}
                services:
                  backend: {role: backend, output: {path: %2$s/backend.env, format: systemd}}
                  worker-finance: {role: worker, pool: finance, output: {path: %2$s/worker-finance.env, format: systemd}}
                mappings:
                  - {env: DATABASE_URL, ref: "vault:secret/noxus/platform#database_url", scope: global}
                  - {env: REDIS_URL, ref: "vault:secret/noxus/platform#redis_url", scope: "service:backend"}
                  - {env: OPENAI_API_KEY, ref: "vault:secret/noxus/openai#api_key", scope: "service:backend",
                     rotation: {max_age_days: 30, warn_days: 7}}
                  - {bulk: "vault:secret/noxus/custom-nodes", prefix: NODE_, transform: upper, scope: workers,
                     rotation: {max_age_days: 120}}
                  - {env: PINNED, ref: "vault:secret/noxus/pinned?version=1#key", scope: "service:backend"}
                  - {env: BANKING_API_KEY, ref: "vault:kv1/finance#banking_api_key", scope: "pool:finance"}
                  - {env: AUTH_SECRET, ref: "file:AUTH_SECRET", scope: global}
                """.formatted(server.address(), out, tokenFile));
    }

    /** A manual clock standing {@code after} past the platform secret's created_time. */
    static ManualClock clockAt(Duration after) {
        return ManualClock.at(created.get("platform").plus(after));
    }

    static InProcess.Run run(ManualClock clock, String... args) {
        return InProcess.runHiding(CANARY, TestHosts.on(clock), args);
    }

    @Test
    void checkRotationShowsTheServersCreatedTimeAndOverdueDueOkAndUnknownRowsAndExitsOne() throws IOException {
        Path config = config("rotation.yaml", "wide.token", "out-rotation");
        InProcess.Run run = run(clockAt(Duration.ofDays(80).plusHours(12)), "check", "--rotation", "-c",
                config.toString());

        assertThat(run.exit()).isEqualTo(1);
        Map<String, String> status = rows(run.out());
        assertThat(status).containsExactly(
                Map.entry("vault:secret/noxus/platform#database_url", "due in 10 d"),
                Map.entry("vault:secret/noxus/platform#redis_url", "due in 10 d"),
                Map.entry("vault:secret/noxus/openai#api_key", "overdue by 50 d"),
                Map.entry("vault:secret/noxus/custom-nodes", "ok"),
                Map.entry("vault:secret/noxus/pinned?version=1#key", "due in 10 d"),
                Map.entry("vault:kv1/finance#banking_api_key", "unknown"),
                Map.entry("file:AUTH_SECRET", "unknown"));
        assertThat(run.out()).contains("OPENAI_API_KEY").contains("30 d (warn 7)").contains("NODE_*")
                .contains("backend, worker-finance").contains(" 80 d ")
                .contains(created.get("platform").toString().substring(0, 10));
    }

    @Test
    void checkRotationJsonGivesTheServersOwnTimestampsAndExitsZeroWhenNothingIsOverdue() throws IOException {
        Path config = config("rotation-json.yaml", "wide.token", "out-json");
        InProcess.Run run = run(clockAt(Duration.ofDays(1)), "check", "--rotation", "--output", "json", "-c",
                config.toString());

        assertThat(run.exit()).as(run.all()).isEqualTo(0);
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.path("failed").asBoolean()).isFalse();
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        report.path("references").forEach(r -> rows.put(r.path("reference").asText(), r));
        assertThat(Instant.parse(rows.get("vault:secret/noxus/openai#api_key").path("set_at").asText()))
                .isEqualTo(created.get("openai"));
        assertThat(Instant.parse(rows.get("vault:secret/noxus/pinned?version=1#key").path("set_at").asText()))
                .as("a pinned version's own created_time").isEqualTo(created.get("pinned"));
        assertThat(rows.get("vault:secret/noxus/openai#api_key").path("max_age_days").asInt()).isEqualTo(30);
        assertThat(rows.get("vault:secret/noxus/openai#api_key").path("state").asText()).isEqualTo("ok");
        assertThat(rows.get("vault:kv1/finance#banking_api_key").path("set_at").isNull()).isTrue();
        assertThat(rows.get("vault:kv1/finance#banking_api_key").path("state").asText()).isEqualTo("unknown");
        assertThat(rows.get("file:AUTH_SECRET").path("age_days").isNull()).isTrue();
    }

    @Test
    void theDaemonsCycleLearnsAgesWithoutOneRequestMoreThanChangeDetection() throws IOException {
        Path config = config("cycle.yaml", "wide.token", "out-cycle");
        try (Agent agent = Agent.open(config, TestHosts.on(clockAt(Duration.ofDays(85))))) {
            RenderEngine.Rendering first = agent.render(RenderRequest.all(Duration.ofSeconds(1)));
            assertThat(first.report().outputs()).allSatisfy(o -> assertThat(o.status())
                    .isEqualTo(OutputResult.Status.CREATED));
            long before = server.requestsLogged();
            RenderEngine.Rendering second = agent.render(RenderRequest.all(Duration.ofSeconds(1)));
            long requests = server.requestsLogged() - before;

            // exactly change detection: one metadata read per unpinned KV v2 secret (platform, openai,
            // custom-nodes), one read of the KV v1 secret, nothing for the pinned version already held
            assertThat(requests).isEqualTo(4);
            assertThat(server.requestsLogged("secret/metadata/noxus/platform")).isGreaterThanOrEqualTo(1);
            for (RenderEngine.Rendering r : List.of(first, second)) {
                Map<String, RotationReport.Row> rows = r.rotation().rows().stream()
                        .collect(Collectors.toMap(RotationReport.Row::reference, row -> row));
                assertThat(rows.get("vault:secret/noxus/openai#api_key").setAt()).contains(created.get("openai"));
                assertThat(rows.get("vault:secret/noxus/openai#api_key").state())
                        .isEqualTo(RotationReport.State.OVERDUE);
                assertThat(rows.get("vault:secret/noxus/platform#database_url").state())
                        .isEqualTo(RotationReport.State.DUE);
                assertThat(rows.get("vault:kv1/finance#banking_api_key").state())
                        .isEqualTo(RotationReport.State.UNKNOWN);
            }
        }
    }

    @Test
    void aTokenWithOnlyTheGeneratedPolicyRendersEverythingAndIsDeniedTheNeighbours() throws Exception {
        Path wide = config("policy-source.yaml", "wide.token", "out-policy");
        InProcess.Run printed = run(new ManualClock(), "policy", "vault", "-c", wide.toString());
        assertThat(printed.exit()).as(printed.all()).isEqualTo(0);
        String hcl = printed.out();
        assertThat(hcl).doesNotContain("*\"").doesNotContain("+\"")
                .contains("path \"secret/data/noxus/platform\"").contains("path \"secret/metadata/noxus/platform\"")
                .contains("path \"secret/data/noxus/pinned\"").doesNotContain("secret/metadata/noxus/pinned")
                .contains("path \"kv1/finance\"")
                .contains("# secret/noxus/custom-nodes -> NODE_*\npath \"secret/data/noxus/custom-nodes\"");

        server.bao("policy", "write", "generated", write("generated.hcl", hcl).toString());
        String token = server.bao("token", "create", "-policy=generated", "-field=token");
        write("generated.token", token);
        Path narrow = config("policy-render.yaml", "generated.token", "out-generated");
        InProcess.Run render = run(new ManualClock(), "render", "--no-act", "-c", narrow.toString());
        assertThat(render.exit()).as(render.all()).isEqualTo(0);
        assertThat(Files.readString(dir.resolve("out-generated/backend.env"))).contains("OPENAI_API_KEY=")
                .contains("PINNED=").contains("DATABASE_URL=");
        assertThat(Files.readString(dir.resolve("out-generated/worker-finance.env"))).contains("BANKING_API_KEY=")
                .contains("NODE_SERP_API=");

        assertThat(status(token, "secret/data/noxus/platform")).isEqualTo(200);
        assertThat(status(token, "secret/data/noxus/neighbour")).isEqualTo(403);
        assertThat(status(token, "secret/metadata/noxus/neighbour")).isEqualTo(403);
        assertThat(status(token, "kv1/other")).isEqualTo(403);
        assertThat(status(token, "secret/metadata/noxus/pinned")).as("a pinned version needs no metadata")
                .isEqualTo(403);
    }

    @Test
    void thePolicyForOneServiceLeavesOutWhatOnlyOtherServicesNeed() throws IOException {
        Path config = config("policy-service.yaml", "wide.token", "out-service");
        InProcess.Run run = run(new ManualClock(), "policy", "vault", "--service", "worker-finance", "-c",
                config.toString());
        assertThat(run.exit()).as(run.all()).isEqualTo(0);
        assertThat(run.out()).contains("secret/data/noxus/platform").contains("kv1/finance")
                .contains("secret/data/noxus/custom-nodes").doesNotContain("openai").doesNotContain("pinned");

        InProcess.Run azure = run(new ManualClock(), "policy", "azure", "-c", config.toString());
        assertThat(azure.exit()).isEqualTo(1);
        assertThat(azure.err()).contains("no azure-key-vault reference reaches any service in", "nothing to grant");
    }

    /** reference -> status, from the text table (the last column). */
    static Map<String, String> rows(String table) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = table.lines().toList();
        int status = lines.get(0).indexOf("STATUS");
        for (String line : lines.subList(1, lines.size())) {
            if (line.length() > status && line.startsWith("vault:") || line.startsWith("file:")) {
                out.put(line.substring(0, line.indexOf(' ')), line.substring(status).strip());
            }
        }
        return out;
    }

    static int status(String token, String apiPath) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.address() + "/v1/" + apiPath))
                .header("X-Vault-Token", token).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static Path write(String name, String content) throws IOException {
        return PrivateFiles.write(dir, name, content);
    }
}
