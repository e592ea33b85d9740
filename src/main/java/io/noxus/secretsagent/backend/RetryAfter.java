package io.noxus.secretsagent.backend;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110: delay-seconds or an HTTP-date). Anything else, a negative
 * delay or a date in the past gives nothing; absurd delays are capped at one hour so a broken proxy cannot park a
 * backend for days.
 */
public final class RetryAfter {
    static final Duration CAP = Duration.ofHours(1);

    private RetryAfter() {
    }

    public static Optional<Duration> parse(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        Duration delay;
        if (value.matches("\\d{1,10}")) {
            delay = Duration.ofSeconds(Long.parseLong(value));
        } else {
            try {
                delay = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (delay.isNegative() || delay.isZero()) {
            return Optional.empty();
        }
        return Optional.of(delay.compareTo(CAP) > 0 ? CAP : delay);
    }
}
