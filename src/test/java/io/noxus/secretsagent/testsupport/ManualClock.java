package io.noxus.secretsagent.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A clock the test moves by hand; as a sleeper ({@code clock::sleep}) it records each wait and moves on. Safe to
 * share with a component's worker threads (the daemon's action threads sleep on it too).
 */
public final class ManualClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final List<Duration> sleeps = new ArrayList<>();

    /** A clock standing at {@code when}. */
    public static ManualClock at(Instant when) {
        ManualClock clock = new ManualClock();
        clock.now = when;
        return clock;
    }

    public synchronized void advance(Duration by) {
        now = now.plus(by);
    }

    public synchronized void sleep(Duration duration) {
        sleeps.add(duration);
        advance(duration);
    }

    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
