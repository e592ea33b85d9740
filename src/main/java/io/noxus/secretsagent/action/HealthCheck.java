package io.noxus.secretsagent.action;

import io.noxus.secretsagent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * After a restart, a unit is healthy once {@code systemctl is-active} says {@code active} and still does
 * {@code stableFor} later (a unit that starts and then crashes is caught); it is unhealthy when it is
 * {@code failed} or inactive, or not stably active within the timeout (e.g. a crash loop under Restart=).
 */
public final class HealthCheck {
    private static final Duration POLL = Duration.ofMillis(200);
    private final Systemctl systemctl;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration timeout;
    private final Duration stableFor;

    public HealthCheck(Systemctl systemctl, Clock clock, Sleeper sleeper, Duration timeout, Duration stableFor) {
        this.systemctl = systemctl;
        this.clock = clock;
        this.sleeper = sleeper;
        this.timeout = timeout;
        this.stableFor = stableFor.compareTo(timeout) < 0 ? stableFor : timeout.dividedBy(2);
    }

    /** Empty when the unit is healthy, else its last state and why it is not. */
    public Optional<String> check(String unit) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        Instant activeSince = null;
        String state;
        while (true) {
            state = systemctl.activeState(unit);
            Instant now = clock.instant();
            switch (state) {
                case "active" -> {
                    activeSince = activeSince == null ? now : activeSince;
                    if (!now.isBefore(activeSince.plus(stableFor))) {
                        return Optional.empty();
                    }
                }
                case "failed", "inactive" -> {
                    return Optional.of(unit + " is " + state + " after the restart");
                }
                default -> activeSince = null;
            }
            if (!now.isBefore(deadline)) {
                return Optional.of(unit + " is not stably active " + timeout.toSeconds() + " s after the restart "
                        + "(state: " + state + ")");
            }
            sleeper.sleep(POLL);
        }
    }
}
