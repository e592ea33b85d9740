package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PollScheduleTest {
    final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    PollSchedule schedule(double jitter) {
        return new PollSchedule(Duration.ofSeconds(60), jitter, Duration.ofSeconds(1), Duration.ofSeconds(300),
                new SplittableRandom(7), t0);
    }

    @Test
    void transientFailuresBackOffExponentiallyWithEqualJitterUpToTheCap() {
        PollSchedule s = schedule(0);
        for (int n = 1; n <= 12; n++) {
            long base = Math.min(300_000, 1000L << (n - 1));
            Duration d = s.backoff(n);
            assertThat(d.toMillis()).as("failure %d", n).isBetween(base / 2, base);
        }
    }

    @Test
    void anAnswerAfterFailuresResetsToTheIntervalAndAPermanentFailureDoesNotBackOff() {
        PollSchedule s = schedule(0);
        s.answered(t0, true, Optional.of("file:x: unreachable"));
        s.answered(t0, true, Optional.of("file:x: unreachable"));
        assertThat(s.transientFailures()).isEqualTo(2);
        assertThat(Duration.between(t0, s.next())).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(s.failingSince()).contains(t0);
        s.answered(t0, false, Optional.of("file:x: forbidden"));
        assertThat(Duration.between(t0, s.next())).isEqualTo(Duration.ofSeconds(60));
        s.answered(t0, false, Optional.empty());
        assertThat(s.failingSince()).isEmpty();
        assertThat(s.lastError()).contains("file:x: forbidden");
    }

    @Test
    void aThrottlingServersRetryAfterOutweighsAShorterBackoffButNeverShortensIt() {
        PollSchedule s = schedule(0);
        s.answered(t0, true, Optional.of("vault:x: throttled"), Optional.of(Duration.ofSeconds(9)));
        assertThat(Duration.between(t0, s.next())).isEqualTo(Duration.ofSeconds(9));
        for (int n = 2; n <= 9; n++) {
            s.answered(t0, true, Optional.of("vault:x: throttled"), Optional.of(Duration.ofSeconds(1)));
        }
        assertThat(Duration.between(t0, s.next())).isGreaterThanOrEqualTo(Duration.ofSeconds(128));
    }

    @Test
    void theIntervalIsJitteredWithinItsFraction() {
        PollSchedule s = schedule(0.1);
        for (int i = 0; i < 100; i++) {
            s.answered(t0, false, Optional.empty());
            assertThat(Duration.between(t0, s.next())).isBetween(Duration.ofSeconds(54), Duration.ofSeconds(66));
        }
    }
}
