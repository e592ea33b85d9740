package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noxus.secretsagent.action.ActionRunner;
import io.noxus.secretsagent.action.Actions;
import io.noxus.secretsagent.action.CommandRunner;
import io.noxus.secretsagent.action.HealthCheck;
import io.noxus.secretsagent.action.Systemctl;
import io.noxus.secretsagent.backend.Backends;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.ConfigLoader;
import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.Host;
import io.noxus.secretsagent.testsupport.TestHosts;
import io.noxus.secretsagent.testsupport.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon loop on a fake clock with the real file backend and a recording systemctl. */
class DaemonTest {
    static final String CONFIG = """
            roots: [out]
            state_dir: out/.state
            backends:
              file: {type: file, path: secrets.yaml}
            services:
              api: {role: backend, output: {path: out/api.env, format: systemd}, units: [api.service]}
              worker: {role: worker, pool: p, output: {path: out/worker.env, format: systemd},
                       action: "signal:SIGHUP", units: [worker.service]}
              beat: {role: beat, output: {path: out/beat.env, format: systemd}, units: [beat.service]}
            mappings:
              - {env: DB_USER, ref: "file:db#user", scope: global}
              - {env: DB_PASSWORD, ref: "file:db#password", scope: global}
              - {env: NODE_KEY, ref: "file:node_key", scope: workers}
            daemon:
              poll_interval_seconds: 2
              poll_jitter: 0
              settle_seconds: 5
              
            """;

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    final List<String> systemctl = Collections.synchronizedList(new ArrayList<>());
    final List<String> notified = Collections.synchronizedList(new ArrayList<>());
    final List<String> audit = Collections.synchronizedList(new ArrayList<>());
    Function<Host, Agent.Opener> opener = Agent::opener;
    Daemon daemon;

    @BeforeEach
    void setUp() throws IOException {
        write("config.yaml", CONFIG);
        secrets("alice", "pw1", "k1");
    }

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.close();
        }
    }

    void write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    void secrets(String user, String password, String nodeKey) throws IOException {
        write("secrets.yaml", "db: {user: \"" + user + "\", password: \"" + password + "\"}\nnode_key: \"" + nodeKey
                + "\"\n");
    }

    Daemon daemon() {
        CommandRunner fake = (argv, timeout) -> {
            systemctl.add(String.join(" ", argv));
            return new CommandRunner.Result(0, argv.contains("is-active") ? (apiIsBad() ? "failed" : "active") : "",
                    false);
        };
        Notifier notifier = new Notifier() {
            @Override
            public void notify(String... assignments) {
                notified.addAll(List.of(assignments));
            }

            @Override
            public java.util.Optional<Duration> watchdogInterval() {
                return java.util.Optional.of(Duration.ofSeconds(10));
            }
        };
        Host host = TestHosts.on(clock, fake);
        daemon = new Daemon(new Daemon.Wiring(dir.resolve("config.yaml"), host, opener.apply(host), notifier,
                audit::add, clock::sleep, () -> { }, new SplittableRandom(1), Runnable::run));
        daemon.start();
        return daemon;
    }

    /** api.service crashes while its env file holds the password "bad". */
    boolean apiIsBad() {
        try {
            Path api = dir.resolve("out/api.env");
            return Files.exists(api) && Files.readString(api).contains("\"bad\"");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Steps the loop until the fake clock has moved by {@code d}. */
    void runFor(Duration d) throws InterruptedException {
        var end = clock.instant().plus(d);
        while (clock.instant().isBefore(end)) {
            daemon.step();
        }
    }

    List<String> acted() {
        return systemctl.stream().filter(c -> !c.contains("is-active")).toList();
    }

    @Test
    void theFirstCycleWritesEverythingReportsReadyAndActsOnceAfterTheSettleWindow() throws Exception {
        daemon();
        daemon.step();
        assertThat(dir.resolve("out/api.env")).exists();
        assertThat(notified).contains("READY=1");
        assertThat(acted()).isEmpty();
        runFor(Duration.ofSeconds(6));
        assertThat(acted()).containsExactly("systemctl restart api.service",
                "systemctl kill --kill-whom=main --signal=SIGHUP worker.service", "systemctl restart beat.service");
        runFor(Duration.ofSeconds(60));
        assertThat(acted()).as("unchanged cycles touch nothing").hasSize(3);
        assertThat(daemon.cycles()).isGreaterThan(25);
    }

    @Test
    void aChangeActsOnlyOnTheServicesWhoseBytesChanged() throws Exception {
        daemon();
        runFor(Duration.ofSeconds(10));
        systemctl.clear();
        long apiModified = Files.getLastModifiedTime(dir.resolve("out/api.env")).toMillis();
        secrets("alice", "pw1", "k2");
        runFor(Duration.ofSeconds(10));
        assertThat(acted()).containsExactly("systemctl kill --kill-whom=main --signal=SIGHUP worker.service");
        assertThat(Files.getLastModifiedTime(dir.resolve("out/api.env")).toMillis()).isEqualTo(apiModified);
        assertThat(audit).anySatisfy(line -> assertThat(line).contains("\"event\":\"output_changed\"",
                "\"output\":\"worker\"", "\"changed\":[\"NODE_KEY\"]", "\"references\":{\"file:db#password\":\"\","
                        + "\"file:db#user\":\"\",\"file:node_key\":\"\"}"));
    }

    @Test
    void twoRelatedChangesWithinTheSettleWindowCauseOneAction() throws Exception {
        daemon();
        runFor(Duration.ofSeconds(10));
        systemctl.clear();
        secrets("bob", "pw1", "k1");
        runFor(Duration.ofSeconds(2));
        secrets("bob", "pw2", "k1");
        runFor(Duration.ofSeconds(10));
        assertThat(acted()).containsExactly("systemctl restart api.service",
                "systemctl kill --kill-whom=main --signal=SIGHUP worker.service", "systemctl restart beat.service");
        assertThat(Files.readString(dir.resolve("out/api.env"))).contains("bob", "pw2");
        JsonNode action = new ObjectMapper().readTree(audit.stream().filter(l -> l.contains("\"event\":\"action\""))
                .reduce((a, b) -> b).orElseThrow());
        assertThat(action.get("outcome").asText()).isEqualTo("ok");
    }

    @Test
    void aRestartedDaemonLeavesContentARollbackRejectedAndItsUnitAlone() throws Exception {
        write("config.yaml", CONFIG.replace("units: [api.service]}", "units: [api.service], rollback: true}"));
        daemon();
        runFor(Duration.ofSeconds(10));
        secrets("alice", "bad", "k1");
        systemctl.clear();
        runFor(Duration.ofSeconds(10));
        assertThat(acted()).containsExactly("systemctl restart api.service", "systemctl restart api.service",
                "systemctl kill --kill-whom=main --signal=SIGHUP worker.service", "systemctl restart beat.service");
        assertThat(Files.readString(dir.resolve("out/api.env"))).contains("pw1");
        daemon.requestStop();
        daemon.run();
        daemon.close();

        systemctl.clear();
        daemon();
        runFor(Duration.ofSeconds(30));
        assertThat(Files.readString(dir.resolve("out/api.env"))).contains("pw1");
        assertThat(acted()).as("the held file restarts nothing after the daemon's restart").isEmpty();
        DaemonState state = DaemonState.load(dir.resolve("out/.state/daemon.json")).orElseThrow();
        assertThat(state.outputs().get(dir.resolve("out/api.env").toString()).status()).isEqualTo("held");

        secrets("alice", "pw3", "k1");
        runFor(Duration.ofSeconds(10));
        assertThat(Files.readString(dir.resolve("out/api.env"))).contains("pw3");
        assertThat(acted()).containsExactly("systemctl restart api.service",
                "systemctl kill --kill-whom=main --signal=SIGHUP worker.service", "systemctl restart beat.service");
    }

    @Test
    void aBrokenConfigOnReloadIsRejectedAndTheOldOneKeepsWorking() throws Exception {
        daemon();
        runFor(Duration.ofSeconds(10));
        write("config.yaml", CONFIG.replace("scope: workers", "scope: pool:nope"));
        daemon.requestReload();
        daemon.step();
        assertThat(audit).anySatisfy(l -> assertThat(l).contains("\"event\":\"config_reload\"",
                "\"result\":\"rejected\"", "unknown scope 'pool:nope'"));
        secrets("alice", "pw1", "k3");
        runFor(Duration.ofSeconds(10));
        assertThat(Files.readString(dir.resolve("out/worker.env"))).contains("k3");
        write("config.yaml", CONFIG.replace("poll_interval_seconds: 2", "poll_interval_seconds: 7"));
        daemon.requestReload();
        daemon.step();
        assertThat(audit).anySatisfy(l -> assertThat(l).contains("\"result\":\"applied\""));
    }

    @Test
    void aBackendThatThrowsIsRetriedWithBackoffAndTheOutputsKeepTheirBytes() throws Exception {
        int[] calls = {0};
        boolean[] down = {false};
        opener = host -> (path, decorator) -> Agent.open(path, host, (config, name, file) -> decorator.wrap(config,
                name, new SecretBackend() {
                @Override
                public Map<io.noxus.secretsagent.secret.Reference, io.noxus.secretsagent.backend.Fetched> fetch(
                        java.util.Set<io.noxus.secretsagent.secret.Reference> documents) {
                    calls[0]++;
                    if (down[0]) {
                        throw new IllegalStateException("connection refused");
                    }
                    return file.fetch(documents);
                }
            }));
        daemon();
        runFor(Duration.ofSeconds(10));
        byte[] before = Files.readAllBytes(dir.resolve("out/api.env"));
        down[0] = true;
        secrets("eve", "pw9", "k9");
        calls[0] = 0;
        runFor(Duration.ofSeconds(120));
        assertThat(Files.readAllBytes(dir.resolve("out/api.env"))).isEqualTo(before);
        // Backoff 1, 2, 4, ... 64 s with equal jitter: about 7 attempts in 120 s instead of 60 at the 2 s interval.
        assertThat(calls[0]).isBetween(5, 10);
        DaemonState state = DaemonState.load(dir.resolve("out/.state/daemon.json")).orElseThrow();
        assertThat(state.backends().get("file").failingSince()).isNotNull();
        assertThat(state.backends().get("file").lastError()).contains("failed unexpectedly (IllegalStateException)");
        assertThat(state.outputs().values()).allSatisfy(o -> assertThat(o.status()).isEqualTo("stale"));
        down[0] = false;
        runFor(Duration.ofSeconds(130));
        assertThat(Files.readString(dir.resolve("out/api.env"))).contains("eve");
        assertThat(DaemonState.load(dir.resolve("out/.state/daemon.json")).orElseThrow().outputs().values())
                .allSatisfy(o -> assertThat(o.status()).isEqualTo("ok"));
    }

    @Test
    void theWatchdogIsFedFromTheLoopAndStopSaysStopping() throws Exception {
        daemon();
        runFor(Duration.ofSeconds(60));
        long pings = notified.stream().filter("WATCHDOG=1"::equals).count();
        assertThat(pings).isBetween(10L, 14L);
        daemon.requestStop();
        daemon.run();
        assertThat(notified).contains("STOPPING=1");
    }

    @Test
    void theStateFileNamesOutputsReferencesAndFingerprintsOnly() throws Exception {
        daemon();
        runFor(Duration.ofSeconds(10));
        DaemonState state = DaemonState.load(dir.resolve("out/.state/daemon.json")).orElseThrow();
        DaemonState.Output api = state.outputs().get(dir.resolve("out/api.env").toString());
        assertThat(api.references()).containsExactly(entry("file:db#password", ""), entry("file:db#user", ""));
        assertThat(api.fingerprint()).hasSize(43);
        assertThat(state.lastActions()).extracting(DaemonState.Acted::service).containsExactly("api", "worker", "beat");
        String text = Files.readString(dir.resolve("out/.state/daemon.json")) + String.join("\n", audit);
        assertThat(text).doesNotContain("alice", "pw1", "k1\"");
    }

    @Test
    void aSoakOfThousandsOfCyclesKeepsThreadsAndRetainedHeapFlat() throws Exception {
        daemon();
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        runFor(Duration.ofMinutes(10));
        secrets("warm", "up", "k");
        runFor(Duration.ofMinutes(10));
        int threadsBefore = threads.getThreadCount();
        long heapBefore = retainedHeap();
        long cyclesBefore = daemon.cycles();
        for (int i = 0; i < 40; i++) {
            secrets("user" + i, "pw" + i, "k" + i);
            runFor(Duration.ofMinutes(2));
        }
        long cycles = daemon.cycles() - cyclesBefore;
        assertThat(cycles).isGreaterThan(2000);
        assertThat(acted().stream().filter(c -> c.contains("restart api.service"))).hasSize(42);
        assertThat(threads.getThreadCount()).as("threads after %d cycles", cycles).isLessThanOrEqualTo(threadsBefore);
        assertThat(retainedHeap() - heapBefore).as("retained heap growth after %d cycles", cycles)
                .isLessThan(2L * 1024 * 1024);
    }

    private static long retainedHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            var heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            used = Math.min(used, heap.getUsed());
        }
        return used;
    }

    @Test
    void theSplayIsStablePerHostAndInsideTheWindow() {
        Duration a = Settler.splayOffset("0123456789abcdef", Duration.ofSeconds(60));
        assertThat(Settler.splayOffset("0123456789abcdef", Duration.ofSeconds(60))).isEqualTo(a);
        assertThat(a).isBetween(Duration.ZERO, Duration.ofSeconds(60));
        assertThat(Settler.splayOffset("fedcba9876543210", Duration.ofSeconds(60))).isNotEqualTo(a);
        assertThat(Settler.splayOffset("x", Duration.ZERO)).isZero();
    }
}
