package io.noxus.secretsagent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code daemon:} section: how often each backend is polled (with jitter), how changes are coalesced and
 * spread before acting, how long a restarted unit has to become healthy, the retry policy for failing backends,
 * where it writes its metrics (a node_exporter textfile; off unless {@code metrics_textfile} is set). Every key has a
 * default, so the section is optional.
 */
public record DaemonSettings(Duration pollInterval, Map<String, Duration> backendPollIntervals, double jitter,
                             Duration settle, Duration splay, int parallelism, Duration healthTimeout,
                             Duration backoffInitial, Duration backoffMax, Duration readyGrace,
                             Optional<Path> metricsTextfile) {
    public static final DaemonSettings DEFAULTS = new DaemonSettings(Duration.ofSeconds(60), Map.of(), 0.1,
            Duration.ofSeconds(5), Duration.ZERO, 1, Duration.ofSeconds(30), Duration.ofSeconds(1),
            Duration.ofSeconds(300), Duration.ofSeconds(30), Optional.empty());

    public DaemonSettings {
        backendPollIntervals = Map.copyOf(backendPollIntervals);
    }

    /** The poll interval of one backend: its own when configured, else the daemon's. */
    public Duration pollInterval(String backend) {
        return backendPollIntervals.getOrDefault(backend, pollInterval);
    }
}
