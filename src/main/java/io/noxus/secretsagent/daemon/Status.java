package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.action.ActionResult;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.engine.OutputResult;
import io.noxus.secretsagent.engine.PlannedAction;
import io.noxus.secretsagent.output.StateStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The daemon's view of itself: kept in memory, summarised for systemd's STATUS=, saved as {@link DaemonState}. */
final class Status {
    private static final Logger LOG = LoggerFactory.getLogger(Status.class);
    private static final int KEEP_ACTIONS = 20;
    private final Instant startedAt;
    private final Map<String, DaemonState.Output> outputs = new TreeMap<>();
    private final Map<String, DaemonState.Backend> backends = new TreeMap<>();
    private final Deque<DaemonState.Acted> actions = new ArrayDeque<>();
    private List<String> config = List.of();
    private Instant lastCycle;
    private boolean ready;
    private Instant stoppedAt;
    /** Every backend of the installed config has answered (or failed) at least once: outputs can be judged. */
    private boolean answered;
    private String lastSent = "";
    private String reloadRejected;
    private final Transitions transitions;

    Status(Instant startedAt) {
        this(startedAt, new Transitions(Transitions.Sink.LOG_SINK));
    }

    Status(Instant startedAt, Transitions transitions) {
        this.startedAt = startedAt;
        this.transitions = transitions;
    }

    Instant startedAt() {
        return startedAt;
    }

    boolean ready() {
        return ready;
    }

    /** Recorded with STOPPING=1, so {@code status} says "not running" from the file alone. */
    void stopped(Instant at) {
        stoppedAt = at;
    }

    void markReady() {
        ready = true;
    }

    String lastSent() {
        return lastSent;
    }

    void sent(String line) {
        lastSent = line;
    }

    void configured(AgentConfig agentConfig) {
        config = agentConfig.sources().stream().map(Path::toString).toList();
        outputs.keySet().removeIf(path -> agentConfig.services().stream().noneMatch(s -> s.output().path().toString()
                .equals(path)) && agentConfig.files().stream().noneMatch(f -> f.file().path().toString().equals(path)));
        reloadRejected = null;
        answered = false;
    }

    void reloadRejected(String why) {
        reloadRejected = why;
    }

    /** Records one output of a cycle; a failed one keeps the references (and versions) of its last success. */
    void output(OutputResult r, Instant now) {
        lastCycle = now;
        DaemonState.Output old = outputs.get(r.path());
        boolean ok = !r.status().failed();
        Map<String, String> references = ok || old == null ? r.references() : old.references();
        String lastSuccess = ok ? now.toString() : old == null ? null : old.lastSuccessAt();
        String lastChange = r.status().contentChanged() ? now.toString() : old == null ? null : old.lastChangeAt();
        String state = ok ? "ok" : r.status() == OutputResult.Status.HELD ? "held" : "stale";
        String notOkSince = ok ? null : old != null && old.notOkSince() != null ? old.notOkSince() : now.toString();
        outputs.put(r.path(), new DaemonState.Output(r.name(), state, lastSuccess, lastChange, notOkSince, null,
                references, r.errors()));
        // Until READY, and after a reload until every backend answered, outputs wait for first answers: no incident.
        if (ready && answered) {
            transitions.output(r.name(), r.path(), state, r.errors(), now);
        }
    }

    void backends(Map<String, ScheduledBackend> scheduled, Instant now) {
        backends.clear();
        boolean[] answeredAll = {true};
        scheduled.forEach((name, b) -> {
            PollSchedule s = b.schedule();
            boolean hasAnswered = s.lastSuccess().isPresent() || s.failingSince().isPresent();
            if (hasAnswered) {   // a backend not asked yet (after a start or reload) has not changed state
                transitions.backend(name, s.failingSince(), s.lastError(), now);
            }
            answeredAll[0] &= hasAnswered;
            backends.put(name, new DaemonState.Backend(s.lastSuccess().map(Instant::toString).orElse(null),
                    s.failingSince().map(Instant::toString).orElse(null), s.lastError().orElse(null),
                    s.transientFailures(), s.next().toString()));
        });
        answered = answeredAll[0];
    }

    void acted(ActionResult r, Instant at) {
        actions.addLast(new DaemonState.Acted(at.toString(), r.service(), r.action(), r.units(),
                r.outcome().name().toLowerCase(), r.detail()));
        while (actions.size() > KEEP_ACTIONS) {
            actions.removeFirst();
        }
    }

    /** One line for systemd's STATUS= (and {@code systemctl status}). */
    String summary() {
        long stale = outputs.values().stream().filter(o -> !o.status().equals("ok")).count();
        List<String> failing = backends.entrySet().stream().filter(e -> e.getValue().failingSince() != null)
                .map(e -> e.getKey() + " failing since " + e.getValue().failingSince()).toList();
        String line = outputs.size() + " outputs, " + (outputs.size() - stale) + " ok, " + stale + " stale"
                + (failing.isEmpty() ? "" : "; " + String.join(", ", failing))
                + (actions.isEmpty() ? "" : "; last action " + actions.getLast().service() + " "
                + actions.getLast().outcome() + " at " + actions.getLast().at());
        return reloadRejected == null ? line : line + "; config reload rejected (see the journal)";
    }

    /** Saves the state file; returns what it saved (the metrics are written from the same view). */
    DaemonState save(AgentConfig agentConfig, Settler settler, long cycles) throws IOException {
        DaemonState state = snapshot(agentConfig, settler, cycles);
        state.save(DaemonState.fileIn(agentConfig.stateDir()));
        return state;
    }

    /** The daemon's view now, as the state file holds it. */
    DaemonState snapshot(AgentConfig agentConfig, Settler settler, long cycles) {
        Map<String, StateStore.OutputRecord> records = new StateStore(agentConfig.stateDir()).load();
        Map<String, DaemonState.Output> withFingerprints = new TreeMap<>();
        outputs.forEach((path, o) -> withFingerprints.put(path, new DaemonState.Output(o.name(), o.status(),
                o.lastSuccessAt(), o.lastChangeAt(), o.notOkSince(), Optional.ofNullable(records.get(path))
                .map(StateStore.OutputRecord::file).orElse(null), o.references(), o.errors())));
        Map<String, String> pending = new LinkedHashMap<>();
        settler.waiting().forEach((s, due) -> pending.put(s, due.toString()));
        return new DaemonState(ProcessHandle.current().pid(), startedAt.toString(),
                stoppedAt == null ? null : stoppedAt.toString(),
                lastCycle == null ? null : lastCycle.toString(), cycles, ready, summary(), config, withFingerprints,
                new TreeMap<>(backends), pending, new ArrayList<>(actions));
    }

    /** Actions a previous run left waiting (it stopped inside a settle window) are due again now. */
    void resume(AgentConfig agentConfig, Settler settler, Instant now) {
        Path stateFile = DaemonState.fileIn(agentConfig.stateDir());
        try {
            DaemonState.load(stateFile).ifPresent(old -> old.pendingActions().keySet().forEach(service -> {
                // The state file names services; one the config no longer has is dropped.
                agentConfig.service(service).ifPresent(spec -> {
                    LOG.info("service {}: resuming an action the previous run left waiting", service);
                    settler.resume(new PlannedAction(spec), now);
                });
            }));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the previous state file {} ({}); starting fresh", stateFile,
                    e.getClass().getSimpleName());
        }
    }
}
