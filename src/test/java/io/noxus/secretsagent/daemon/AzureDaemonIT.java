package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.action.CommandRunner;
import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.Host;
import io.noxus.secretsagent.testsupport.AzureTestServer;
import io.noxus.secretsagent.testsupport.ManualClock;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import io.noxus.secretsagent.testsupport.TestHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon polling an azure-key-vault backend: unchanged polls cost one list page per 25 secrets of the vault
 * and no get, and a new version of one secret is fetched alone, rewrites the one output that holds it and acts on
 * its service only.
 */
class AzureDaemonIT {
    private static final Map<String, Object> SERVER = new LinkedHashMap<>();

    static {
        Map<String, Object> secrets = new LinkedHashMap<>();
        IntStream.range(0, 30).forEach(i -> secrets.put("filler-" + i, List.of(Map.of("value", "f" + i))));
        secrets.put("database-url", List.of(Map.of("value", "postgres://one")));
        secrets.put("node-key", List.of(Map.of("value", "k1")));
        SERVER.put("tenant", AzureTestServer.TENANT);
        SERVER.put("vaults", List.of(AzureTestServer.VAULT));
        SERVER.put("clients", Map.of("sp-secret", Map.of("secret", "daemon-it-secret")));
        SERVER.put("secrets", secrets);
    }

    @RegisterExtension
    static final AzureTestServer AZURE = new AzureTestServer(SERVER);

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    final List<String> systemctl = Collections.synchronizedList(new ArrayList<>());
    Daemon daemon;

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void unchangedPollsOnlyListAndANewVersionRewritesAndActsOnItsServiceAlone() throws Exception {
        PrivateFiles.write(dir, "client-secret", "daemon-it-secret\n");
        Path config = PrivateFiles.write(dir, "config.yaml", """
                roots: [out]
                state_dir: out/.state
                backends:
                  azure: {type: azure-key-vault, vault_url: "VAULT", ca_file: "CA", authority_host: "AUTHORITY",
                          client_secret: {tenant_id: TENANT, client_id: sp-secret, secret_file: client-secret}}
                services:
                  api: {role: backend, output: {path: out/api.env, format: systemd}, units: [api.service]}
                  worker: {role: worker, pool: p, output: {path: out/worker.env, format: systemd},
                           action: "signal:SIGHUP", units: [worker.service]}
                mappings:
                  - {env: DATABASE_URL, ref: "azure:database-url", scope: "service:api"}
                  - {env: NODE_KEY, ref: "azure:node-key", scope: workers}
                daemon: {poll_interval_seconds: 2, poll_jitter: 0, settle_seconds: 5, runtime_dir: run}
                """.replace("VAULT", AZURE.vaultUrl()).replace("CA", AZURE.caFile().toString())
                .replace("AUTHORITY", AZURE.authorityHost()).replace("TENANT", AzureTestServer.TENANT));
        CommandRunner fake = (argv, timeout) -> {
            systemctl.add(String.join(" ", argv));
            return new CommandRunner.Result(0, argv.contains("is-active") ? "active" : "", false);
        };
        Host host = TestHosts.on(clock, fake);
        AZURE.resetRequests();
        daemon = new Daemon(new Daemon.Wiring(config, host, Agent.opener(host), Notifier.NONE, line -> { }, clock::sleep,
                () -> { }, new SplittableRandom(1), Runnable::run));
        daemon.start();
        runFor(Duration.ofSeconds(10));
        assertThat(Files.readString(dir.resolve("out/worker.env"))).contains("NODE_KEY=\"k1\"");
        assertThat(AZURE.requests()).filteredOn(r -> r.path().startsWith("/secrets/"))
                .extracting(AzureTestServer.Request::status).as("the challenge, then each secret once, then lists only")
                .containsExactly(401, 200, 200);

        systemctl.clear();
        AZURE.resetRequests();
        runFor(Duration.ofSeconds(20));
        List<AzureTestServer.Request> unchanged = AZURE.requests();
        assertThat(unchanged).isNotEmpty().allMatch(r -> r.path().equals("/secrets") && r.status() == 200);
        assertThat(unchanged.size() % 2).as("32 secrets: two list pages a poll").isZero();
        assertThat(systemctl).filteredOn(c -> !c.contains("is-active")).isEmpty();

        long apiModified = Files.getLastModifiedTime(dir.resolve("out/api.env")).toMillis();
        AZURE.putSecret("node-key", Map.of("value", "k2"));
        AZURE.resetRequests();
        runFor(Duration.ofSeconds(10));
        assertThat(Files.readString(dir.resolve("out/worker.env"))).contains("NODE_KEY=\"k2\"");
        assertThat(Files.getLastModifiedTime(dir.resolve("out/api.env")).toMillis()).isEqualTo(apiModified);
        assertThat(AZURE.requests()).filteredOn(r -> r.path().startsWith("/secrets/"))
                .extracting(AzureTestServer.Request::path).containsExactly("/secrets/node-key");
        assertThat(systemctl).filteredOn(c -> !c.contains("is-active"))
                .containsExactly("systemctl kill --kill-whom=main --signal=SIGHUP worker.service");
    }

    private void runFor(Duration d) throws InterruptedException {
        var end = clock.instant().plus(d);
        while (clock.instant().isBefore(end)) {
            daemon.step();
        }
    }
}
