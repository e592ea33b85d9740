package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.action.CommandRunner;
import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.Host;
import io.noxus.secretsagent.testsupport.ManualClock;
import io.noxus.secretsagent.testsupport.TestHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics textfile the daemon writes after each cycle, action and reload: a fake clock, the real file backend. */
class MetricsTest {
    /** Values no metric may ever show: each is a secret's value in the secrets file. */
    static final List<String> CANARIES = List.of("canary-user-7f3a", "canary-pass-91bd", "canary-key-c0de",
            "canary-bad-e5e5");
    static final String CONFIG = """
            roots: [out]
            state_dir: out/.state
            backends:
              file: {type: file, path: secrets.yaml}
            services:
              api: {role: backend, output: {path: out/api.env, format: systemd}, units: [api.service], rollback: true}
              worker: {role: worker, pool: p, output: {path: out/worker.env, format: systemd}}
            mappings:
              - {env: DB_USER, ref: "file:db#user", scope: global}
              - {env: DB_PASSWORD, ref: "file:db#password", scope: global}
              - {env: NODE_KEY, ref: "file:node_key", scope: workers}
            daemon:
              poll_interval_seconds: 2
              poll_jitter: 0
              settle_seconds: 1
              runtime_dir: run
              metrics_textfile: textfile/noxus-secrets-agent.prom
            """;

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    Daemon daemon;

    @BeforeEach
    void setUp() throws IOException {
        write("config.yaml", CONFIG);
        secrets(CANARIES.get(1));
    }

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void aSecretsChangeTimeIsTheOneItsBackendReportsAndNoneIsGuessed() {
        java.time.Instant set = java.time.Instant.parse("2026-10-01T12:00:00Z");
        var reported = new io.noxus.secretsagent.backend.SecretDocument(java.util.Optional.empty(), java.util.Map.of(),
                java.util.Optional.of("3"), java.util.Optional.of(set));
        var silent = new io.noxus.secretsagent.backend.SecretDocument(java.util.Optional.empty(), java.util.Map.of(),
                java.util.Optional.empty());
        assertThat(Metrics.changedAt(reported)).contains(set);
        assertThat(Metrics.changedAt(silent)).isEmpty();
    }

    @Test
    void afterTheFirstCycleEveryOutputIsFreshAndTheFileIsWorldReadable() throws Exception {
        start();
        long renderedAt = clock.instant().getEpochSecond();
        daemon.step();
        String metrics = metrics();
        String api = "output=\"api\",path=\"" + dir.resolve("out/api.env") + "\"";
        assertThat(metrics).contains("noxus_secrets_agent_output_stale{" + api + "} 0\n",
                "noxus_secrets_agent_output_held{" + api + "} 0\n",
                "noxus_secrets_agent_output_last_success_timestamp_seconds{" + api + "} " + renderedAt + "\n",
                "noxus_secrets_agent_backend_failing{backend=\"file\"} 0\n",
                "noxus_secrets_agent_backend_requests_total{backend=\"file\"} 1\n",
                "noxus_secrets_agent_backend_throttles_total{backend=\"file\"} 0\n",
                "noxus_secrets_agent_rollbacks_held 0\n", "noxus_secrets_agent_ready 1\n",
                "# TYPE noxus_secrets_agent_backend_requests_total counter\n",
                "# TYPE noxus_secrets_agent_output_stale gauge\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(textfile()))).isEqualTo("rw-r--r--");
    }

    @Test
    void aRemovedSecretsFileMakesTheBackendFailingAndItsOutputsStaleUntilItIsBack() throws Exception {
        start();
        runFor(Duration.ofSeconds(3));
        Files.delete(dir.resolve("secrets.yaml"));
        runFor(Duration.ofSeconds(3));
        assertThat(metrics()).contains("noxus_secrets_agent_backend_failing{backend=\"file\"} 1\n")
                .containsPattern("noxus_secrets_agent_output_stale\\{output=\"api\",[^}]*} 1\n")
                .containsPattern("noxus_secrets_agent_output_stale\\{output=\"worker\",[^}]*} 1\n");
        secrets(CANARIES.get(1));
        runFor(Duration.ofSeconds(3));
        assertThat(metrics()).contains("noxus_secrets_agent_backend_failing{backend=\"file\"} 0\n")
                .containsPattern("noxus_secrets_agent_output_stale\\{output=\"api\",[^}]*} 0\n");
    }

    @Test
    void aRestartThatFailsIsCountedAsRolledBackAndItsContentShowsAsHeld() throws Exception {
        start();
        runFor(Duration.ofSeconds(3));
        assertThat(metrics()).contains("noxus_secrets_agent_actions_total{service=\"api\",outcome=\"ok\"} 1\n",
                "noxus_secrets_agent_actions_total{service=\"api\",outcome=\"rolled_back\"} 0\n");
        secrets(CANARIES.get(3)); // api.service crashes with this password
        runFor(Duration.ofSeconds(6));
        assertThat(metrics()).contains("noxus_secrets_agent_actions_total{service=\"api\",outcome=\"ok\"} 1\n",
                        "noxus_secrets_agent_actions_total{service=\"api\",outcome=\"rolled_back\"} 1\n",
                        "noxus_secrets_agent_rollbacks_held 1\n")
                .containsPattern("noxus_secrets_agent_output_held\\{output=\"api\",[^}]*} 1\n")
                .containsPattern("noxus_secrets_agent_output_stale\\{output=\"api\",[^}]*} 1\n")
                .containsPattern("noxus_secrets_agent_output_held\\{output=\"worker\",[^}]*} 0\n");
        assertNoSecretValue();
    }

    @Test
    void aRejectedReloadIsCountedAndTheRequestCountCarriesOverAnAcceptedOne() throws Exception {
        start();
        runFor(Duration.ofSeconds(5));
        long before = requests();
        write("config.yaml", CONFIG.replace("scope: workers", "scope: pool:nope"));
        daemon.requestReload();
        daemon.step();
        assertThat(metrics()).contains("noxus_secrets_agent_config_reloads_rejected_total 1\n",
                "noxus_secrets_agent_config_last_reload_successful 0\n");
        write("config.yaml", CONFIG.replace("settle_seconds: 1", "settle_seconds: 2"));
        daemon.requestReload();
        runFor(Duration.ofSeconds(3));
        assertThat(metrics()).contains("noxus_secrets_agent_config_reloads_rejected_total 1\n",
                "noxus_secrets_agent_config_last_reload_successful 1\n");
        assertThat(requests()).as("a reload makes a new backend object; the counter must not restart")
                .isGreaterThan(before);
    }

    @Test
    void noSecretValueReachesTheMetricsInAnyState() throws Exception {
        start();
        runFor(Duration.ofSeconds(3));
        assertNoSecretValue();
        Files.writeString(dir.resolve("secrets.yaml"), "db: {user: \"" + CANARIES.get(0) + "\", password: ["
                + CANARIES.get(1) + "]}\n"); // broken on purpose: the error names the file, the metric never the value
        runFor(Duration.ofSeconds(3));
        assertThat(metrics()).contains("noxus_secrets_agent_backend_failing{backend=\"file\"} 1\n");
        assertNoSecretValue();
    }

    @Test
    void aTextfileFolderOthersMayWriteIsRefusedAndTheDaemonRendersOn() throws Exception {
        Files.createDirectory(dir.resolve("textfile"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(dir.resolve("textfile"), PosixFilePermissions.fromString("rwxrwxrwx"));
        start();
        runFor(Duration.ofSeconds(3));
        assertThat(textfile()).doesNotExist();
        assertThat(Files.readString(dir.resolve("out/api.env"))).contains(CANARIES.get(1));
    }

    @Test
    void withoutTheKeyNoTextfileIsWritten() throws Exception {
        write("config.yaml", CONFIG.replace("  metrics_textfile: textfile/noxus-secrets-agent.prom\n", ""));
        start();
        runFor(Duration.ofSeconds(3));
        assertThat(dir.resolve("textfile")).doesNotExist();
    }

    void assertNoSecretValue() throws IOException {
        String metrics = metrics();
        CANARIES.forEach(canary -> assertThat(metrics).doesNotContain(canary));
    }

    long requests() throws IOException {
        return metrics().lines().filter(l -> l.startsWith("noxus_secrets_agent_backend_requests_total{"))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    Path textfile() {
        return dir.resolve("textfile/noxus-secrets-agent.prom");
    }

    String metrics() throws IOException {
        return Files.readString(textfile());
    }

    void write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    void secrets(String password) throws IOException {
        write("secrets.yaml", "db: {user: \"" + CANARIES.get(0) + "\", password: \"" + password + "\"}\n"
                + "node_key: \"" + CANARIES.get(2) + "\"\n");
    }

    /** A daemon whose api.service crashes while its env file holds the "bad" canary password. */
    void start() {
        CommandRunner systemctl = (argv, timeout) -> new CommandRunner.Result(0,
                argv.contains("is-active") ? (apiIsBad() ? "failed" : "active") : "", false);
        Host host = TestHosts.on(clock, systemctl);
        daemon = new Daemon(new Daemon.Wiring(dir.resolve("config.yaml"), host, Agent.opener(host), Notifier.NONE,
                line -> { },
                clock::sleep, () -> { }, new SplittableRandom(1), Runnable::run));
        daemon.start();
    }

    boolean apiIsBad() {
        try {
            Path api = dir.resolve("out/api.env");
            return Files.exists(api) && Files.readString(api).contains(CANARIES.get(3));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void runFor(Duration d) throws InterruptedException {
        var end = clock.instant().plus(d);
        while (clock.instant().isBefore(end)) {
            daemon.step();
        }
    }
}
