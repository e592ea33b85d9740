package io.noxus.secretsagent.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When one backend is asked next. After an answer without transient failures: the poll interval with jitter
 * ({@code interval × (1 ± jitter)}), counted from the <em>start</em> of the poll that answered, so the period holds
 * however long the fetch took; a poll that overran its period makes the next one due at once (never two at a time,
 * and missed periods are not caught up). After a transient failure (unreachable, throttled, sealed): exponential backoff
 * with "equal jitter" — the n-th consecutive failure waits {@code b/2 + random(0, b/2)} with
 * {@code b = min(max, initial × 2^(n-1))}, and never less than a throttling server's {@code Retry-After}. A permanent
 * failure (missing, forbidden) waits the normal interval: asking faster does not fix it, an operator does.
 */
final class PollSchedule {
    private final Duration interval;
    private final double jitter;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final RandomGenerator random;
    private Instant next;
    private int transientFailures;
    private Optional<Instant> lastSuccess = Optional.empty();
    private Optional<Instant> failingSince = Optional.empty();
    private Optional<String> lastError = Optional.empty();

    PollSchedule(Duration interval, double jitter, Duration backoffInitial, Duration backoffMax, RandomGenerator random,
                 Instant first) {
        this.interval = interval;
        this.jitter = jitter;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
        this.random = random;
        this.next = first;
    }

    boolean due(Instant now) {
        return !now.isBefore(next);
    }

    /** A backend no output asked for is not polled; its next turn comes one interval later. */
    void skipIfDue(Instant now) {
        if (due(now)) {
            next = now.plus(jittered(interval));
        }
    }

    Instant next() {
        return next;
    }

    /** Records an answer without a server's wait hint. */
    void answered(Instant now, boolean anyTransient, Optional<String> error) {
        answered(now, anyTransient, error, Optional.empty());
    }

    /** Records an answer of a poll that started when it ended (the tests' instant polls). */
    void answered(Instant now, boolean anyTransient, Optional<String> error, Optional<Duration> retryAfter) {
        answered(now, now, anyTransient, error, retryAfter);
    }

    /**
     * Records an answer of the poll started at {@code started} and answered {@code now}; {@code error} is the first
     * failure's message (names only), if any; {@code retryAfter} the longest wait a throttling server asked for. A
     * backoff and a server's wait count from the answer (the server asked for rest after it); the poll interval from
     * the start.
     */
    void answered(Instant started, Instant now, boolean anyTransient, Optional<String> error,
                  Optional<Duration> retryAfter) {
        if (error.isEmpty()) {
            lastSuccess = Optional.of(now);
            failingSince = Optional.empty();
        } else if (failingSince.isEmpty()) {
            failingSince = Optional.of(now);
        }
        lastError = error.isPresent() ? error : lastError;
        if (anyTransient) {
            transientFailures++;
            Duration wait = backoff(transientFailures);
            next = now.plus(retryAfter.filter(hint -> hint.compareTo(wait) > 0).orElse(wait));
        } else {
            transientFailures = 0;
            Instant onTime = started.plus(jittered(interval));
            next = onTime.isBefore(now) ? now : onTime;
        }
    }

    Duration backoff(int failures) {
        long initial = backoffInitial.toMillis();
        long cap = backoffMax.toMillis();
        long base = failures > 30 ? cap : Math.min(cap, initial << (failures - 1));
        return Duration.ofMillis(base / 2 + (base / 2 > 0 ? random.nextLong(base / 2 + 1) : 0));
    }

    private Duration jittered(Duration d) {
        if (jitter <= 0) {
            return d;
        }
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(d.toMillis() * factor)));
    }

    int transientFailures() {
        return transientFailures;
    }

    Optional<Instant> lastSuccess() {
        return lastSuccess;
    }

    Optional<Instant> failingSince() {
        return failingSince;
    }

    Optional<String> lastError() {
        return lastError;
    }
}
