package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.action.ActionResult;
import io.noxus.secretsagent.app.HeldContent;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.backend.SecretDocument;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.OutputFormat;
import io.noxus.secretsagent.config.OutputSpec;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.output.AtomicWriter;
import io.noxus.secretsagent.secret.AgentException;
import io.noxus.secretsagent.secret.Reference;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's metrics as a node_exporter textfile ({@code daemon.metrics_textfile}; off unless set): written through
 * the {@link AtomicWriter} (mode 0644: names and numbers only) after every cycle, action and reload, so the
 * monitoring a host already runs sees a stale output, a failing backend or a held rollback without an open port.
 * Gauges come from the same view as the state file ({@link DaemonState}); the counters are kept here for the
 * daemon's lifetime and survive config reloads (a reload makes new backend objects: their counts are added on).
 */
final class Metrics {
    static final String PREFIX = "noxus_secrets_agent_";
    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

    /** One backend's counters across the backend objects reloads make. */
    private static final class Counted {
        private SecretBackend current;
        private long seenRequests;
        private long seenThrottles;
        private long requests;
        private long throttles;

        void observe(SecretBackend backend) {
            if (backend != current) {
                current = backend;
                seenRequests = 0;
                seenThrottles = 0;
            }
            long r = backend.requests();
            long t = backend.throttles();
            requests += Math.max(0, r - seenRequests);
            throttles += Math.max(0, t - seenThrottles);
            seenRequests = r;
            seenThrottles = t;
        }
    }

    private final Map<String, Map<ActionResult.Outcome, Long>> actions = new TreeMap<>();
    private final Map<String, Counted> backends = new HashMap<>();
    private long reloadsRejected;
    private boolean lastReloadOk = true;
    private String lastProblem;

    void acted(ActionResult r) {
        actions.computeIfAbsent(r.service(), s -> new EnumMap<>(ActionResult.Outcome.class))
                .merge(r.outcome(), 1L, Long::sum);
    }

    void reloaded(boolean ok) {
        lastReloadOk = ok;
        if (!ok) {
            reloadsRejected++;
        }
    }

    /**
     * The time the backend says a secret's value last changed (Vault KV v2 {@code created_time} of the version, AWS
     * {@code CreatedDate}); empty where it does not say (KV v1, the file backend): no series then, never a guess.
     */
    static Optional<Instant> changedAt(SecretDocument document) {
        return document.setAt();
    }

    /** Writes the textfile when the config asks for one; a failure is logged (once until it changes), never thrown. */
    void write(AgentConfig config, DaemonState state, Map<String, ScheduledBackend> scheduled) {
        Optional<Path> file = config.daemon().metricsTextfile();
        if (file.isEmpty()) {
            return;
        }
        try {
            byte[] text = render(config, state, scheduled);
            new AtomicWriter(List.of(file.get().getParent())).write(new OutputSpec("daemon.metrics_textfile",
                    file.get(), OutputFormat.RAW, 0644, Optional.empty(), Optional.empty()), text);
            if (lastProblem != null) {
                LOG.info("metrics textfile {} written again", file.get());
                lastProblem = null;
            }
        } catch (RuntimeException e) {
            String problem = e instanceof AgentException ? e.getMessage() : e.getClass().getName();
            if (!Objects.equals(problem, lastProblem)) {
                LOG.warn("cannot write the metrics textfile (daemon.metrics_textfile): {}", problem);
                lastProblem = problem;
            }
        }
    }

    /** The textfile's content. */
    byte[] render(AgentConfig config, DaemonState state, Map<String, ScheduledBackend> scheduled) {
        Exposition x = new Exposition();
        x.gauge(PREFIX + "start_time_seconds", "When the daemon started, in seconds since the epoch.")
                .sample(Instant.parse(state.startedAt()));
        x.gauge(PREFIX + "ready", "1 once the daemon told systemd READY=1 (first full render or ready grace).")
                .sample(state.ready());
        x.counter(PREFIX + "cycles_total", "Render cycles run since the daemon started.").sample(state.cycles());
        Exposition.Family lastCycle = x.gauge(PREFIX + "last_cycle_timestamp_seconds",
                "When the daemon last rendered, in seconds since the epoch.");
        Optional.ofNullable(state.lastCycleAt()).map(Instant::parse).ifPresent(lastCycle::sample);
        outputs(x, config, state);
        backends(x, state, scheduled);
        Exposition.Family acted = x.counter(PREFIX + "actions_total",
                "Actions taken on a service's units since the daemon started, by outcome.");
        for (ServiceSpec s : config.services()) {
            Map<ActionResult.Outcome, Long> counts = actions.getOrDefault(s.name(), Map.of());
            for (ActionResult.Outcome o : ActionResult.Outcome.values()) {
                acted.sample(counts.getOrDefault(o, 0L), "service", s.name(), "outcome", o.name().toLowerCase());
            }
        }
        x.counter(PREFIX + "config_reloads_rejected_total",
                "Config reloads (SIGHUP) rejected because the new config was broken; the running one stayed.")
                .sample(reloadsRejected);
        x.gauge(PREFIX + "config_last_reload_successful", "0 when the last config reload was rejected, else 1.")
                .sample(lastReloadOk);
        return x.bytes();
    }

    private static void outputs(Exposition x, AgentConfig config, DaemonState state) {
        Map<String, HeldContent> held = new TreeMap<>();
        boolean holdsKnown = true;
        try {
            HeldContent.of(config).forEach(h -> held.put(h.path(), h));
        } catch (RuntimeException e) {
            holdsKnown = false; // a damaged held.json: the renders report it; the metric is left out
        }
        Exposition.Family stale = x.gauge(PREFIX + "output_stale",
                "1 when the output's file is not what the secrets say now (a backend failed, the write failed, or "
                        + "its content is held back); the last-known-good file stays.");
        Exposition.Family heldOut = x.gauge(PREFIX + "output_held",
                "1 when a rollback rejected the output's content and every render holds it back.");
        Exposition.Family success = x.gauge(PREFIX + "output_last_success_timestamp_seconds",
                "When the output last rendered completely, in seconds since the epoch.");
        Exposition.Family change = x.gauge(PREFIX + "output_last_change_timestamp_seconds",
                "When the daemon last wrote new content to the output, in seconds since the epoch.");
        state.outputs().forEach((path, o) -> {
            String[] labels = {"output", o.name(), "path", path};
            stale.sample(!"ok".equals(o.status()), labels);
            heldOut.sample(held.containsKey(path) || "held".equals(o.status()), labels);
            Optional.ofNullable(o.lastSuccessAt()).map(Instant::parse).ifPresent(t -> success.sample(t, labels));
            Optional.ofNullable(o.lastChangeAt()).map(Instant::parse).ifPresent(t -> change.sample(t, labels));
        });
        if (holdsKnown) {
            x.gauge(PREFIX + "rollbacks_held", "Outputs whose content a rollback rejected and is held back "
                    + "(state_dir/held.json), until the secrets change again.").sample(held.size());
        }
    }

    private void backends(Exposition x, DaemonState state, Map<String, ScheduledBackend> scheduled) {
        Exposition.Family failing = x.gauge(PREFIX + "backend_failing",
                "1 while the backend's last poll failed for at least one secret.");
        Exposition.Family success = x.gauge(PREFIX + "backend_last_success_timestamp_seconds",
                "When the backend last answered every secret asked, in seconds since the epoch.");
        state.backends().forEach((name, b) -> {
            failing.sample(b.failingSince() != null, "backend", name);
            Optional.ofNullable(b.lastSuccessAt()).map(Instant::parse).ifPresent(t -> success.sample(t, "backend",
                    name));
        });
        Exposition.Family requests = x.counter(PREFIX + "backend_requests_total",
                "Requests sent to the backend's store (HTTP calls; reads of the secrets file) since the daemon started.");
        Exposition.Family throttles = x.counter(PREFIX + "backend_throttles_total",
                "Requests the backend's store refused as throttled (HTTP 429, AWS throttling) since the daemon started.");
        Exposition.Family changed = x.gauge(PREFIX + "secret_last_changed_timestamp_seconds",
                "When the backend says the secret's value last changed (the basis for rotation age), in seconds "
                        + "since the epoch; only for backends that say it.");
        new TreeMap<>(scheduled).forEach((name, b) -> {
            Counted c = backends.computeIfAbsent(name, n -> new Counted());
            c.observe(b);
            requests.sample(c.requests, "backend", name);
            throttles.sample(c.throttles, "backend", name);
            Map<String, Instant> times = new TreeMap<>();
            b.answers().forEach((ref, answer) -> {
                if (answer instanceof Fetched.Found found) {
                    changedAt(found.document()).ifPresent(t -> times.put(label(ref), t));
                }
            });
            times.forEach((ref, t) -> changed.sample(t, "backend", name, "reference", ref));
        });
    }

    private static String label(Reference ref) {
        return ref.toString();
    }
}
