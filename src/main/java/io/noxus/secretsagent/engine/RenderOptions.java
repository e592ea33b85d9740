package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** What one render should do: which services (empty: all), whether to write, and how long to wait for the lock. */
public record RenderOptions(Set<String> services, boolean dryRun, Duration lockTimeout, Clock clock, Sleeper sleeper) {
    public RenderOptions {
        services = Set.copyOf(services);
    }
}
