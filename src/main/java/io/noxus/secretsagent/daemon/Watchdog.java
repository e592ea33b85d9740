package io.noxus.secretsagent.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** WATCHDOG=1 at least every WatchdogSec/2, so a slow systemd-notify or a busy host still keeps in time. */
final class Watchdog {
    private final Notifier notifier;
    private Instant lastPing = Instant.MIN;

    Watchdog(Notifier notifier) {
        this.notifier = notifier;
    }

    /** Pings when half the interval has passed since the last ping; nothing outside systemd's watchdog. */
    void feed(Instant now) {
        Optional<Duration> interval = notifier.watchdogInterval();
        if (interval.isPresent() && !now.isBefore(lastPing.plus(interval.get().dividedBy(2)))) {
            lastPing = now;
            notifier.notify("WATCHDOG=1");
        }
    }

    /** When the next ping is due, if there is a watchdog. */
    Optional<Instant> next() {
        return notifier.watchdogInterval().map(i -> lastPing.plus(i.dividedBy(2)));
    }

    /** How often a waiting loop should call {@link #feed}. */
    Duration tickEvery() {
        return notifier.watchdogInterval().map(i -> i.dividedBy(2)).orElse(Duration.ofSeconds(5));
    }
}
