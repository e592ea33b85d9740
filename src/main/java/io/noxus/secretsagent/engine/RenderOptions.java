package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * What one render should do: which services (empty: all), whether to write, how long to wait for the lock, and the
 * host's clock and sleeper (for the lock's wait and for a rollback's timestamps).
 */
public record RenderOptions(Set<String> services, boolean dryRun, Duration lockTimeout, Clock clock, Sleeper sleeper) {
    public RenderOptions {
        services = Set.copyOf(services);
    }
}
