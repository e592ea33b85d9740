package io.noxus.secretsagent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.config.RotationPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The state and wording of one value's age (and expiry) under a policy, and which states fail a check. */
class RotationReportTest {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final RotationPolicy POLICY = new RotationPolicy(90, 14);

    static RotationReport.Row judge(Optional<Duration> age, Optional<Duration> expiresIn) {
        return RotationReport.judge("vault:secret/x#k", List.of("K"), List.of("backend"), POLICY,
                age.map(NOW::minus), expiresIn.map(NOW::plus), NOW);
    }

    @ParameterizedTest(name = "set {0} h ago -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        24      | OK      | ok
        1823    | OK      | ok
        1824    | DUE     | due in 14 d
        1944    | DUE     | due in 9 d
        2159    | DUE     | due in 1 d
        2160    | OVERDUE | overdue by 0 d
        2448    | OVERDUE | overdue by 12 d
        """)
    void ageAgainstMaxAgeAndWarnWindow(long hoursAgo, RotationReport.State state, String status) {
        RotationReport.Row row = judge(Optional.of(Duration.ofHours(hoursAgo)), Optional.empty());
        assertThat(row.state()).isEqualTo(state);
        assertThat(row.status()).isEqualTo(status);
        assertThat(row.ageDays(NOW)).contains(hoursAgo / 24);
    }

    @Test
    void anExpiryWarnsBeforeItBitesAndFailsOnceItHas() {
        RotationReport.Row expiring = judge(Optional.of(Duration.ofDays(1)), Optional.of(Duration.ofDays(3)));
        assertThat(expiring.state()).isEqualTo(RotationReport.State.EXPIRING);
        assertThat(expiring.status()).isEqualTo("expires in 3 d");
        RotationReport.Row expired = judge(Optional.of(Duration.ofDays(1)), Optional.of(Duration.ofDays(-2)));
        assertThat(expired.state()).isEqualTo(RotationReport.State.EXPIRED);
        assertThat(expired.status()).isEqualTo("expired 2 d ago");
        RotationReport.Row overdueAndExpiring = judge(Optional.of(Duration.ofDays(100)), Optional.of(Duration.ofDays(3)));
        assertThat(overdueAndExpiring.status()).as("the worse of the two").isEqualTo("overdue by 10 d");
        RotationReport.Row farExpiryNoAge = judge(Optional.empty(), Optional.of(Duration.ofDays(300)));
        assertThat(farExpiryNoAge.state()).isEqualTo(RotationReport.State.OK);
    }

    @Test
    void aBackendThatDoesNotSayWhenIsUnknownNeverAGuess() {
        RotationReport.Row row = judge(Optional.empty(), Optional.empty());
        assertThat(row.state()).isEqualTo(RotationReport.State.UNKNOWN);
        assertThat(row.status()).isEqualTo("unknown");
        assertThat(row.ageDays(NOW)).isEmpty();
        assertThat(row.dueAt()).isEmpty();
    }

    @Test
    void onlyOverdueExpiredOrUnreadableFailTheReport() {
        RotationReport warnings = new RotationReport(NOW, List.of(
                judge(Optional.of(Duration.ofDays(80)), Optional.empty()),
                judge(Optional.empty(), Optional.empty()),
                judge(Optional.of(Duration.ofDays(1)), Optional.of(Duration.ofDays(3)))));
        assertThat(warnings.failed()).isFalse();
        assertThat(new RotationReport(NOW, List.of(judge(Optional.of(Duration.ofDays(91)), Optional.empty())))
                .failed()).isTrue();
        assertThat(new RotationReport(NOW, List.of(RotationReport.failed("vault:secret/x#k", List.of("K"),
                List.of("backend"), POLICY, "no such secret"))).failed()).isTrue();
    }
}
