package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.action.CommandRunner;
import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.Host;
import io.noxus.secretsagent.testsupport.AzureTestServer;
import io.noxus.secretsagent.testsupport.ManualClock;
import io.noxus.secretsagent.testsupport.MotoServer;
import io.noxus.secretsagent.testsupport.OpenBaoServer;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import io.noxus.secretsagent.testsupport.TestHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with all four backend types configured (file, vault on a real OpenBao, aws on moto, azure on the Azure
 * test server) keeps a flat thread count over many cycles, changes and config reloads: every reload replaces every
 * backend's clients (the old ones are closed), and no backend may leave threads behind per client or per call.
 * (The polls run on the loop thread here, as in the other daemon tests; the production per-poll threads are
 * short-lived and bounded by one per backend.)
 */
class DaemonThreadsIT {
    static final int CYCLES = 400;
    static final int RELOAD_EVERY = 50;

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @RegisterExtension
    static final AzureTestServer AZURE = new AzureTestServer(azureSecrets());

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    OpenBaoServer bao;
    Daemon daemon;

    static Map<String, Object> azureSecrets() {
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("tenant", AzureTestServer.TENANT);
        server.put("vaults", List.of(AzureTestServer.VAULT));
        server.put("clients", Map.of("sp-secret", Map.of("secret", "threads-it-secret")));
        server.put("secrets", Map.of("node-key", List.of(Map.of("value", "k1"))));
        return server;
    }

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.close();
        }
        if (bao != null) {
            bao.close();
        }
    }

    @Test
    void threadCountStaysFlatOverManyCyclesChangesAndReloadsWithEveryBackendType() throws Exception {
        bao = OpenBaoServer.start(dir.resolve("bao"));
        bao.bao("kv", "put", "secret/noxus/platform", "database_url=postgres://one");
        MOTO.reset();
        MOTO.secretsManager().createSecret(b -> b.name("noxus/api").secretString("{\"key\": \"a1\"}"));
        PrivateFiles.write(dir, "token", bao.rootToken());
        PrivateFiles.write(dir, "client-secret", "threads-it-secret\n");
        PrivateFiles.write(dir, "secrets.yaml", "auth: s1\n");
        Path config = PrivateFiles.write(dir, "config.yaml", """
                roots: [out]
                state_dir: out/.state
                backends:
                  file: {type: file, path: secrets.yaml}
                  vault: {type: vault, address: "BAO", auth: {method: token, token_file: token}}
                  aws: {type: aws-secrets-manager, region: us-east-1, endpoint: "MOTO"}
                  azure: {type: azure-key-vault, vault_url: "VAULT", ca_file: "CA", authority_host: "AUTHORITY",
                          client_secret: {tenant_id: TENANT, client_id: sp-secret, secret_file: client-secret}}
                services:
                  api: {role: backend, output: {path: out/api.env, format: systemd}, units: [api.service]}
                  worker: {role: worker, pool: p, output: {path: out/worker.env, format: systemd},
                           units: [worker.service]}
                mappings:
                  - {env: AUTH, ref: "file:auth", scope: global}
                  - {env: DATABASE_URL, ref: "vault:secret/noxus/platform#database_url", scope: global}
                  - {env: API_KEY, ref: "aws:noxus/api#key", scope: "service:api"}
                  - {env: NODE_KEY, ref: "azure:node-key", scope: workers}
                daemon: {poll_interval_seconds: 1, poll_jitter: 0, settle_seconds: 1, runtime_dir: run}
                """.replace("BAO", bao.address()).replace("MOTO", MOTO.endpoint().toString())
                .replace("VAULT", AZURE.vaultUrl()).replace("CA", AZURE.caFile().toString())
                .replace("AUTHORITY", AZURE.authorityHost()).replace("TENANT", AzureTestServer.TENANT));
        CommandRunner systemctl = (argv, timeout) ->
                new CommandRunner.Result(0, argv.contains("is-active") ? "active" : "", false);
        Host host = TestHosts.on(clock, systemctl);
        daemon = new Daemon(new Daemon.Wiring(config, host, Agent.opener(host), Notifier.NONE, line -> { }, clock::sleep,
                () -> { }, new SplittableRandom(1), Runnable::run));
        daemon.start();

        runCycles(RELOAD_EVERY);   // warm: every client built, a change acted on, one reload done
        Map<String, Integer> warm = threads();
        runCycles(CYCLES);

        assertThat(Files.readString(dir.resolve("out/worker.env"))).contains("NODE_KEY=\"k1\"")
                .contains("AUTH=\"s" + (CYCLES / RELOAD_EVERY + 1) + "\"");
        Map<String, Integer> end = threads();
        assertThat(total(end)).as("threads after %d more cycles: %s (after warm-up: %s)", CYCLES, end, warm)
                .isLessThanOrEqualTo(total(warm) + 1);
        assertThat(end.keySet()).as("no SDK-owned timer pool").noneMatch(name -> name.startsWith("sdk-"));
    }

    /** Runs cycles, changing the file secret and reloading the config every RELOAD_EVERY cycles. */
    private void runCycles(int cycles) throws Exception {
        Path secrets = dir.resolve("secrets.yaml");
        for (int i = 1; i <= cycles; i++) {
            Instant next = clock.instant().plusSeconds(1);
            while (clock.instant().isBefore(next)) {
                daemon.step();
            }
            if (i % RELOAD_EVERY == 0) {
                String value = Files.readString(secrets).trim().replace("auth: s", "");
                PrivateFiles.write(dir, "secrets.yaml", "auth: s" + (Integer.parseInt(value) + 1) + "\n");
                daemon.requestReload();
            }
        }
    }

    private static Map<String, Integer> threads() {
        Map<String, Integer> byName = new TreeMap<>();
        Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .forEach(t -> byName.merge(t.getName().replaceAll("-?\\d+$", ""), 1, Integer::sum));
        return byName;
    }

    private static int total(Map<String, Integer> threads) {
        return threads.values().stream().mapToInt(Integer::intValue).sum();
    }
}
