package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * What one render should do: which services (empty: all), whether to write, how long to wait for the lock, and the
 * keyed file fingerprints a rollback rejected ({@code held}: such content is not written again).
 */
public record RenderOptions(Set<String> services, boolean dryRun, Duration lockTimeout, Clock clock, Sleeper sleeper,
                            Set<String> held) {
    public RenderOptions {
        services = Set.copyOf(services);
        held = Set.copyOf(held);
    }

    public RenderOptions(Set<String> services, boolean dryRun, Duration lockTimeout, Clock clock, Sleeper sleeper) {
        this(services, dryRun, lockTimeout, clock, sleeper, Set.of());
    }
}
