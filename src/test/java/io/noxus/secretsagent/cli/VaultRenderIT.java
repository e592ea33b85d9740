package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.OpenBaoServer;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code render} of a config mixing {@code file:} and {@code vault:} references against a real OpenBao server:
 * end to end, with the server stopped mid-run (last-known-good), and with canary values through every error path.
 */
class VaultRenderIT {
    static final String CANARY = "CANARY9b1e";
    @TempDir
    Path dir;
    OpenBaoServer server;
    Path config;
    final List<String> printed = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = OpenBaoServer.start(dir.resolve("bao"));
        server.bao("secrets", "enable", "-path=kv1", "-version=1", "kv");
        server.bao("kv", "put", "secret/noxus/platform", "database_url=pg://" + CANARY + "-db",
                "redis_url=redis://" + CANARY + "-redis");
        server.bao("kv", "put", "secret/noxus/custom-nodes", "openai=" + CANARY + "-n1", "serp_api=" + CANARY + "-n2");
        server.bao("kv", "put", "kv1/finance", "banking_api_key=" + CANARY + "-bank",
                "multiline=line1\n" + CANARY + "-line2");
        Path policy = write("policy.hcl", """
                path "secret/data/noxus/*" { capabilities = ["read"] }
                path "secret/metadata/noxus/*" { capabilities = ["read"] }
                path "kv1/finance" { capabilities = ["read"] }
                """);
        server.bao("policy", "write", "agent", policy.toString());
        write("vault.token", server.bao("token", "create", "-policy=agent", "-field=token"));
        write("secrets.yaml", "AUTH_SECRET: \"" + CANARY + "-auth-one\"\n");
        config = write("config.yaml", """
                roots: [out]
                state_dir: out/.state
                backends:
                  file: {type: file, path: secrets.yaml}
                  vault:
                    type: vault
                    address: %s
                    auth: {method: token, token_file: vault.token}
                services:
                  backend: {role: backend, output: {path: out/backend.env, format: systemd}}
                  worker-general: {role: worker, pool: general, output: {path: out/worker-general.env, format: systemd}}
                  worker-finance: {role: worker, pool: finance, output: {path: out/worker-finance.env, format: systemd}}
                main_env: {output: {path: out/env.vm, format: shell}}
                mappings:
                  - {env: DATABASE_URL, ref: "vault:secret/noxus/platform#database_url", scope: global}
                  - {env: REDIS_URL, ref: "vault:secret/noxus/platform#redis_url", scope: "service:backend"}
                  - {env: AUTH_SECRET, ref: "file:AUTH_SECRET", scope: global}
                  - {bulk: "vault:secret/noxus/custom-nodes", prefix: NODE_, transform: upper, scope: workers}
                  - {env: BANKING_API_KEY, ref: "vault:kv1/finance#banking_api_key", scope: "pool:finance"}
                """.formatted(server.address()));
    }

    @AfterEach
    void stop() {
        server.close();
        for (String text : printed) {
            assertThat(text).as("everything the agent printed").doesNotContain(CANARY);
        }
    }

    @Test
    void rendersAConfigMixingFileAndVaultReferences() throws IOException {
        InProcess.Run run = run("render", "-c", config.toString(), "--detailed-exitcode");
        assertThat(run.exit()).as(run.all()).isEqualTo(2);
        assertThat(read("out/backend.env")).endsWith("\nAUTH_SECRET=\"" + CANARY + "-auth-one\"\n"
                + "DATABASE_URL=\"pg://" + CANARY + "-db\"\nREDIS_URL=\"redis://" + CANARY + "-redis\"\n");
        assertThat(read("out/worker-finance.env")).contains("BANKING_API_KEY=\"" + CANARY + "-bank\"",
                "NODE_OPENAI=\"" + CANARY + "-n1\"", "NODE_SERP_API=\"" + CANARY + "-n2\"");
        assertThat(read("out/worker-general.env")).doesNotContain("BANKING").contains("NODE_OPENAI");
        assertThat(read("out/env.vm")).doesNotContain("NODE_", "REDIS_URL").contains("DATABASE_URL");
        assertThat(run("render", "-c", config.toString(), "--detailed-exitcode").exit()).isZero();
    }

    @Test
    void theReportNamesEachReferenceWithItsKvVersion() throws IOException {
        server.bao("kv", "put", "secret/noxus/platform", "database_url=pg://" + CANARY + "-db2",
                "redis_url=redis://" + CANARY + "-redis");
        InProcess.Run run = run("render", "-c", config.toString(), "--dry-run", "--output", "json");
        JsonNode backend = new ObjectMapper().readTree(run.out()).get("outputs").get(0);
        assertThat(backend.get("name").asText()).isEqualTo("backend");
        assertThat(backend.get("references").get("vault:secret/noxus/platform#database_url").asText()).isEqualTo("2");
        assertThat(backend.get("references").get("file:AUTH_SECRET").asText()).isEmpty();
        JsonNode finance = new ObjectMapper().readTree(run.out()).get("outputs").get(2);
        assertThat(finance.get("references").get("vault:secret/noxus/custom-nodes").asText()).isEqualTo("1");
        assertThat(finance.get("references").get("vault:kv1/finance#banking_api_key").asText()).as("KV v1").isEmpty();
    }

    @Test
    void aServerStoppedMidRunKeepsTheLastGoodFilesThatNeedItAndStillRendersTheOthers() throws IOException {
        // env.vm gets a file-only view in this test, so it can change while Vault is down.
        Files.writeString(config, Files.readString(config).replace(
                "{env: DATABASE_URL, ref: \"vault:secret/noxus/platform#database_url\", scope: global}",
                "{env: DATABASE_URL, ref: \"vault:secret/noxus/platform#database_url\", scope: workers}"));
        assertThat(run("render", "-c", config.toString()).exit()).isZero();
        String backend = read("out/backend.env");
        String finance = read("out/worker-finance.env");
        server.close();
        write("secrets.yaml", "AUTH_SECRET: \"" + CANARY + "-auth-two\"\n");

        InProcess.Run run = run("render", "-c", config.toString(), "--detailed-exitcode");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("vault:secret/noxus/platform: backend vault (" + server.address()
                + "): cannot get a token: cannot reach " + server.address());
        assertThat(read("out/backend.env")).isEqualTo(backend);
        assertThat(read("out/worker-finance.env")).isEqualTo(finance);
        assertThat(read("out/env.vm")).contains(CANARY + "-auth-two");
    }

    @Test
    void noCanaryInAnythingPrintedOnErrorPaths() throws IOException {
        run("render", "-c", config.toString(), "--diff");
        server.bao("kv", "put", "secret/noxus/platform", "database_url=pg://" + CANARY + "-db2");
        run("render", "-c", config.toString(), "--diff", "--dry-run");                // REDIS_URL field gone
        run("render", "-c", config.toString(), "--diff", "--output", "json");
        run("check", "-c", config.toString(), "--backends");
        Files.writeString(config, Files.readString(config).replace("kv1/finance#banking_api_key",
                "kv1/finance#multiline").replace("format: systemd}}\n  worker-finance",
                "format: docker}}\n  worker-finance").replace("pool: finance, output: {path: out/worker-finance.env, "
                + "format: systemd", "pool: finance, output: {path: out/worker-finance.env, format: docker"));
        run("render", "-c", config.toString(), "--diff");                              // docker refuses a newline
        Files.writeString(config, Files.readString(config).replace("secret/noxus/custom-nodes", "secret/other"));
        run("render", "-c", config.toString(), "--diff");                              // 403
        write("vault.token", "not-a-token");
        run("render", "-c", config.toString(), "--diff", "--output", "json");          // bad token
        server.close();
        run("render", "-c", config.toString(), "--diff");                              // unreachable
        run("check", "-c", config.toString(), "--backends");
        assertThat(String.join("\n", printed)).contains("permission denied (HTTP 403)", "has no field 'redis_url'",
                "cannot reach", "is not valid (expired or revoked)", "cannot be written to");
    }

    private InProcess.Run run(String... args) {
        InProcess.Run run = InProcess.run(args);
        printed.add(run.all());
        return run;
    }

    private Path write(String name, String content) {
        return PrivateFiles.write(dir, name, content);
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }
}
