package io.noxus.secretsagent.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void readsDelaySecondsAndHttpDates() {
        assertThat(RetryAfter.parse("9", NOW)).contains(Duration.ofSeconds(9));
        assertThat(RetryAfter.parse(" 120 ", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("Thu, 01 Jan 2026 00:01:30 GMT", NOW)).contains(Duration.ofSeconds(90));
    }

    @Test
    void ignoresMissingMalformedAndPastHints() {
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("0", NOW)).isEmpty();
        assertThat(RetryAfter.parse("Wed, 31 Dec 2025 23:59:00 GMT", NOW)).isEmpty();
    }

    @Test
    void capsAbsurdDelaysAtOneHour() {
        assertThat(RetryAfter.parse("999999", NOW)).contains(Duration.ofHours(1));
    }
}
