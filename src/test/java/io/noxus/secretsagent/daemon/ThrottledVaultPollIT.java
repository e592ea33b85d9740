package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.backend.vault.VaultBackend;
import io.noxus.secretsagent.config.VaultBackendSettings;
import io.noxus.secretsagent.config.VaultBackendSettings.TokenAuth;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.testsupport.ManualClock;
import io.noxus.secretsagent.testsupport.OpenBaoServer;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real OpenBao rate-limit quota (HTTP 429 with Retry-After) meeting a scheduled Vault backend that reads
 * concurrently: the poll stops issuing reads, every output keeps its last answer, and the next poll waits the
 * server's Retry-After (not the 0.5-1 s first backoff).
 */
class ThrottledVaultPollIT {
    static final int N = 12;
    static final int BOUND = 3;
    @TempDir
    Path dir;

    @Test
    void a429StopsThePollsReadsKeepsEveryLastAnswerAndTheNextPollWaitsTheServersRetryAfter() {
        try (OpenBaoServer bao = OpenBaoServer.start(dir.resolve("bao"))) {
            Set<Reference> docs = new LinkedHashSet<>();
            for (int i = 0; i < N; i++) {
                bao.bao("kv", "put", "secret/app/s" + i, "value=v" + i + "-canary-7b1e");
                docs.add(Reference.parse("vault:secret/app/s" + i).document());
            }
            Path token = PrivateFiles.write(dir, "token", bao.rootToken());
            VaultBackendSettings settings = new VaultBackendSettings("vault", URI.create(bao.address()),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(5),
                    Map.of("secret", 2), new TokenAuth(Optional.empty(), Optional.of(token)), BOUND);
            Instant t0 = Instant.now();
            ManualClock clock = ManualClock.at(t0);
            PollSchedule schedule = new PollSchedule(Duration.ofSeconds(5), 0, Duration.ofSeconds(1),
                    Duration.ofSeconds(300), new SplittableRandom(1), t0);
            VaultBackend vault = new VaultBackend(settings, clock, name -> null);
            try (ScheduledBackend polled = new ScheduledBackend("vault", vault, schedule, clock, Runnable::run,
                    () -> { })) {
                polled.fetch(docs);
                assertThat(polled.answers().values()).hasSize(N).allMatch(a -> a instanceof Fetched.Found);
                assertThat(schedule.next()).isEqualTo(t0.plus(Duration.ofSeconds(5)));

                bao.bao("write", "sys/quotas/config", "enable_rate_limit_response_headers=true");
                bao.bao("write", "sys/quotas/rate-limit/agent", "rate=1", "interval=60s");
                clock.advance(Duration.ofSeconds(5));
                long before = vault.requests();
                polled.fetch(docs);
                long sent = vault.requests() - before;

                assertThat(vault.throttles()).as("the server answered 429").isPositive();
                assertThat(sent).as("reads stop once throttled: at most the one allowed and those in flight")
                        .isLessThanOrEqualTo(1 + BOUND).isLessThan(N);
                assertThat(polled.answers().values()).as("every output keeps its last answer")
                        .allMatch(a -> a instanceof Fetched.Found);
                assertThat(schedule.transientFailures()).isEqualTo(1);
                assertThat(schedule.lastError()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 429")
                        .doesNotContain("canary"));
                assertThat(Duration.between(clock.instant(), schedule.next())).as("the server's Retry-After, "
                        + "not the first backoff of 0.5-1 s").isGreaterThan(Duration.ofSeconds(10));
            }
        }
    }
}
