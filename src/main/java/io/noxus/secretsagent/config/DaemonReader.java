package io.noxus.secretsagent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads the optional {@code daemon:} section; a missing key takes its default from {@link DaemonSettings#DEFAULTS}. */
final class DaemonReader {
    private DaemonReader() {
    }

    static DaemonSettings read(ConfigNode node, Set<String> backendNames) {
        DaemonSettings d = DaemonSettings.DEFAULTS;
        node.onlyKeys("poll_interval_seconds", "poll_jitter", "backends", "settle_seconds", "splay_seconds",
                "parallelism", "health_timeout_seconds", "backoff_initial_seconds", "backoff_max_seconds",
                "ready_grace_seconds", "runtime_dir", "metrics_textfile");
        // runtime_dir: accepted and ignored since the daemon's state moved into state_dir (it outlives a stop), so
        // a config written for an earlier version still loads.
        Map<String, Duration> perBackend = new LinkedHashMap<>();
        node.optional("backends").ifPresent(b -> b.entries().forEach((name, settings) -> {
            if (!backendNames.contains(name)) {
                throw settings.error("unknown backend '" + name + "'; configured backends: "
                        + String.join(", ", backendNames));
            }
            settings.onlyKeys("poll_interval_seconds");
            perBackend.put(name, Duration.ofSeconds(settings.required("poll_interval_seconds").positiveInt()));
        }));
        double jitter = node.optional("poll_jitter").map(ConfigNode::fraction).orElse(d.jitter());
        Duration backoffInitial = seconds(node, "backoff_initial_seconds", d.backoffInitial(), false);
        Duration backoffMax = seconds(node, "backoff_max_seconds", d.backoffMax(), false);
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw node.child("backoff_max_seconds").error("must not be below backoff_initial_seconds ("
                    + backoffInitial.toSeconds() + ")");
        }
        return new DaemonSettings(seconds(node, "poll_interval_seconds", d.pollInterval(), false), perBackend, jitter,
                seconds(node, "settle_seconds", d.settle(), true), seconds(node, "splay_seconds", d.splay(), true),
                node.optional("parallelism").map(ConfigNode::positiveInt).orElse(d.parallelism()),
                seconds(node, "health_timeout_seconds", d.healthTimeout(), false), backoffInitial, backoffMax,
                seconds(node, "ready_grace_seconds", d.readyGrace(), true),
                node.optional("metrics_textfile").map(DaemonReader::metricsTextfile));
    }

    /** node_exporter's textfile collector reads only {@code *.prom} files, and the file's folder is what it scans. */
    private static Path metricsTextfile(ConfigNode node) {
        Path file = node.resolvePath();
        if (!file.getFileName().toString().endsWith(".prom") || file.getFileName().toString().startsWith(".")) {
            throw node.error("node_exporter's textfile collector reads only files named *.prom; use a path like "
                    + "/var/lib/prometheus/node-exporter/noxus-secrets-agent.prom");
        }
        SystemFolders.refuse(node, file.getParent(), "Use the folder node_exporter's --collector.textfile.directory "
                + "points to, like /var/lib/prometheus/node-exporter");
        return file;
    }

    private static Duration seconds(ConfigNode node, String key, Duration fallback, boolean zeroAllowed) {
        return node.optional(key).map(n -> Duration.ofSeconds(zeroAllowed ? n.nonNegativeInt() : n.positiveInt()))
                .orElse(fallback);
    }
}
