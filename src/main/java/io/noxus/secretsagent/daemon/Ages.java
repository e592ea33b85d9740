package io.noxus.secretsagent.daemon;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Durations as operators read them in a log line or {@code status}: {@code 40 s}, {@code 12 min}, {@code 3 h}. */
public final class Ages {
    private Ages() {
    }

    public static String text(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 90) {
            return s + " s";
        }
        if (s < 90 * 60) {
            return Math.round(s / 60.0) + " min";
        }
        if (s < 48 * 3600) {
            return Math.round(s / 3600.0) + " h";
        }
        return Math.round(s / 86400.0) + " d";
    }

    /** The age of a state file timestamp at {@code now}; empty when there is none or it does not parse. */
    public static Optional<Duration> since(String instant, Instant now) {
        return parse(instant).map(at -> Duration.between(at, now));
    }

    /** A state file timestamp; empty when there is none or it does not parse. */
    public static Optional<Instant> parse(String instant) {
        if (instant == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(instant));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
