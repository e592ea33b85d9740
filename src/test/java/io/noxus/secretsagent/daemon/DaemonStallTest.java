package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.action.CommandRunner;
import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.Host;
import io.noxus.secretsagent.testsupport.HostileServer;
import io.noxus.secretsagent.testsupport.HostileServer.Behaviour;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real daemon loop (real time, real poll threads) with a Vault backend that stalls (timeout 8 s) and a file
 * backend: the file backend's output is written and rewritten, the watchdog is fed and a stop returns promptly, all
 * while Vault has not answered.
 */
class DaemonStallTest {
    static final String PREVIOUS = "REMOTE_KEY=\"previous\"\n";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Behaviour.class, names = {"SILENT", "DRIPPING", "DRIP_HEADERS"})
    void aStalledBackendBlocksNeitherOtherOutputsNorTheWatchdogNorAStop(Behaviour behaviour) throws Exception {
        try (HostileServer vault = HostileServer.start(behaviour)) {
            Path config = config(vault);
            Files.createDirectories(dir.resolve("out"));
            Path remote = PrivateFiles.write(dir.resolve("out"), "remote.env", PREVIOUS);
            List<Long> pings = Collections.synchronizedList(new ArrayList<>());
            Notifier notifier = new Notifier() {
                @Override
                public void notify(String... assignments) {
                    if (List.of(assignments).contains("WATCHDOG=1")) {
                        pings.add(System.nanoTime());
                    }
                }

                @Override
                public Optional<Duration> watchdogInterval() {
                    return Optional.of(Duration.ofSeconds(1));
                }
            };
            CommandRunner noProcess = (argv, timeout) -> {
                throw new AssertionError("no unit is configured, yet the daemon ran " + argv);
            };
            Host host = new Host(Clock.systemUTC(), d -> Thread.sleep(d.toMillis()), noProcess,
                    Map.of("AGENT_TOKEN", "not-a-real-token"), "");
            Wakeup wakeup = new Wakeup();
            Daemon daemon = new Daemon(new Daemon.Wiring(config, host, Agent.opener(host), notifier, line -> { },
                    wakeup, wakeup::wake, new SplittableRandom(1), task -> {
                        Thread t = new Thread(task, "poll");
                        t.setDaemon(true);
                        t.start();
                    }));
            daemon.start();
            Thread loop = new Thread(() -> {
                try {
                    daemon.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "daemon-loop");
            loop.start();
            try {
                assertThat(waitFor(dir.resolve("out/local.env"), "local-1", Duration.ofSeconds(5)))
                        .as("the file backend's output is written before Vault's deadline").isTrue();
                PrivateFiles.write(dir, "secrets.yaml", "LOCAL_KEY: \"local-2\"\n");
                assertThat(waitFor(dir.resolve("out/local.env"), "local-2", Duration.ofSeconds(5)))
                        .as("a change of the file backend is written while Vault stalls").isTrue();
                Thread.sleep(4000);
            } finally {
                long stopAsked = System.nanoTime();
                daemon.requestStop();
                loop.join(5000);
                Duration stopTook = Duration.ofNanos(System.nanoTime() - stopAsked);
                assertThat(loop.isAlive()).isFalse();
                assertThat(stopTook).as("time from the stop request to the loop's end").isLessThan(Duration.ofSeconds(2));
                daemon.close();
            }
            assertThat(Files.readString(remote)).isEqualTo(PREVIOUS);
            assertThat(maxGap(pings)).as("longest gap between watchdog pings").isLessThan(Duration.ofSeconds(3));
            assertThat(vault.connections()).as("Vault was asked").isPositive();
        }
    }

    private Path config(HostileServer vault) {
        PrivateFiles.write(dir, "secrets.yaml", "LOCAL_KEY: \"local-1\"\n");
        return PrivateFiles.write(dir, "config.yaml", """
                roots: [out]
                state_dir: out/.state
                backends:
                  file: {type: file, path: secrets.yaml}
                  vault: {type: vault, address: "%s", request_timeout_seconds: 8, kv_versions: {secret: 2},
                          auth: {method: token, token_env: AGENT_TOKEN}}
                services:
                  local: {role: frontend, output: {path: out/local.env, format: systemd}}
                  remote: {role: backend, output: {path: out/remote.env, format: systemd}}
                mappings:
                  - {env: LOCAL_KEY, ref: "file:LOCAL_KEY", scope: "service:local"}
                  - {env: REMOTE_KEY, ref: "vault:secret/noxus/app#key", scope: "service:remote"}
                  - {env: REMOTE_OTHER, ref: "vault:secret/noxus/other#key", scope: "service:remote"}
                daemon: {poll_interval_seconds: 1, poll_jitter: 0, settle_seconds: 0}
                """.formatted(vault.address()));
    }

    private static boolean waitFor(Path file, String text, Duration within) throws InterruptedException, IOException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static Duration maxGap(List<Long> pings) {
        long max = 0;
        synchronized (pings) {
            for (int i = 1; i < pings.size(); i++) {
                max = Math.max(max, pings.get(i) - pings.get(i - 1));
            }
        }
        return Duration.ofNanos(max);
    }
}
