package io.noxus.secretsagent.app;

import java.time.Duration;
import java.util.Set;

/** What a render is asked for: which services (empty: all), whether to write at all, how long to wait for the lock. */
public record RenderRequest(Set<String> services, boolean dryRun, Duration lockTimeout) {
    public RenderRequest {
        services = Set.copyOf(services);
    }

    /** Every service, written, as the daemon renders. */
    public static RenderRequest all(Duration lockTimeout) {
        return new RenderRequest(Set.of(), false, lockTimeout);
    }
}
