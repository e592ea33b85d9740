package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.action.ActionResult;
import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.Host;
import io.noxus.secretsagent.app.RenderRequest;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.DaemonSettings;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.engine.OutputResult;
import io.noxus.secretsagent.engine.PlannedAction;
import io.noxus.secretsagent.engine.RenderEngine;
import io.noxus.secretsagent.log.JournalLog;
import io.noxus.secretsagent.secret.AgentException;
import io.noxus.secretsagent.time.Sleeper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running mode: a loop that renders through the same {@link Agent} as {@code render} whenever a backend is
 * due, coalesces the resulting actions per service in a settle window, has them run by the {@link ActionPool} in
 * service order, and reports to systemd, the state file and the audit trail. {@link #requestStop()} and
 * {@link #requestReload()} are safe from signal handlers: they set a flag and wake the loop, which finishes what
 * it is doing (a write is never cut short) before it stops or reloads.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Everything the daemon needs from outside, injected once: the host (time, processes, machine id), how to open a
     * config, systemd's notifier, the audit sink, the loop's interruptible wait and how to cut it short,
     * randomness (jitter), and where backend polls run (their own threads on a host; inline in loop tests).
     */
    public record Wiring(Path configFile, Host host, Agent.Opener opener, Notifier notifier, Consumer<String> audit,
                         Sleeper idle, Runnable wake, RandomGenerator random, Executor polls) {
    }

    private final Wiring w;
    private final Audit audit;
    private final Status status;
    private final Metrics metrics = new Metrics();
    private volatile boolean stop;
    private volatile boolean reload;
    private Agent agent;
    private Map<String, ScheduledBackend> scheduled = Map.of();
    private ActionPool pool;
    private Settler settler;
    private final Watchdog watchdog;
    private final RotationWatch rotation;
    private Instant retryAt;
    private long cycles;

    public Daemon(Wiring wiring) {
        this.w = wiring;
        this.audit = new Audit(wiring.audit(), JournalLog.underJournal(wiring.host().environment()));
        this.status = new Status(wiring.host().clock().instant());
        this.watchdog = new Watchdog(wiring.notifier());
        this.rotation = new RotationWatch(audit);
    }

    /** The host's wiring: its clock and processes, systemd-notify, audit lines to stdout. */
    public static Daemon forHost(Path configFile, Host host, PrintWriter auditOut) {
        Wakeup wakeup = new Wakeup();
        if (host.machineId().isEmpty()) {
            LOG.warn("no machine id (/etc/machine-id); actions get no per-host splay");
        }
        return new Daemon(new Wiring(configFile, host, Agent.opener(host),
                Notifier.fromEnvironment(host.environment(), host.commands(), ProcessHandle.current().pid()),
                auditOut::println, wakeup, wakeup::wake, new SplittableRandom(), Daemon::pollThread));
    }

    /** One short-lived thread per poll: at most one per backend at a time, none while all are idle. */
    private static void pollThread(Runnable poll) {
        Thread t = new Thread(poll, "poll");
        t.setDaemon(true);
        t.start();
    }

    /** Opens the config (a bad one fails the start), resumes actions a previous run left waiting. */
    public void start() {
        Instant now = now();
        install(open(), now);
        status.resume(agent.config(), settler, now);
        retryAt = now;
    }

    /** Loops until {@link #requestStop()}; never returns early because a backend or an action fails. */
    public void run() throws InterruptedException {
        while (!stop) {
            step();
        }
        status.stopped(now());
        w.notifier().notify("STOPPING=1", "STATUS=stopping: " + status.summary());
        saveState();
        LOG.info("stopped after {} cycles", cycles);
    }

    /** One turn: reload if asked, render when a backend is due, act on settled changes, report, then wait. */
    void step() throws InterruptedException {
        Instant now = now();
        if (reload) {
            reload = false;
            reload(now);
        }
        boolean worked = false;
        if (cycleDue(now)) {
            cycle(now);
            worked = true;
        }
        if (!stop) {
            worked |= act(now());
        }
        now = now();
        if (worked) {
            saveState();
        }
        report(now);
        if (!stop && !reload) {
            Duration wait = Duration.between(now, nextWake(now));
            if (!wait.isNegative() && !wait.isZero()) {
                w.idle().sleep(wait);
            }
        }
    }

    public void requestStop() {
        stop = true;
        w.wake().run();
    }

    public void requestReload() {
        reload = true;
        w.wake().run();
    }

    long cycles() {
        return cycles;
    }

    Map<String, ScheduledBackend> backends() {
        return scheduled;
    }

    private Instant now() {
        return w.host().clock().instant();
    }

    private boolean cycleDue(Instant now) {
        return (retryAt != null && !now.isBefore(retryAt))
                || scheduled.values().stream().anyMatch(b -> b.wantsCycle(now));
    }

    private void cycle(Instant now) {
        retryAt = null;
        DaemonSettings d = agent.config().daemon();
        RenderEngine.Rendering rendering;
        try {
            rendering = agent.render(RenderRequest.all(LOCK_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("render cycle failed: {}; retrying in {} s", describe(e), d.backoffInitial().toSeconds());
            retryAt = now.plus(d.backoffInitial());
            return;
        }
        cycles++;
        // Backends no output uses were not asked: move their schedule on, or the loop would spin.
        scheduled.values().forEach(b -> b.schedule().skipIfDue(now));
        Map<String, List<String>> changedByService = new LinkedHashMap<>();
        for (OutputResult r : rendering.report().outputs()) {
            status.output(r, now);
            if (r.status().written()) {
                audit.outputChanged(r, actionsFor(r), now);
                r.services().forEach(s -> changedByService.computeIfAbsent(s, k -> new ArrayList<>()).add(r.path()));
            }
        }
        rotation.observe(rendering.rotation());
        for (PlannedAction a : rendering.report().actions()) {
            settler.changed(a, now, rendering.rollback(), changedByService.getOrDefault(a.service().name(),
                    List.of()));
        }
        status.backends(scheduled, now);
        if (!status.ready() && (!rendering.report().failed() || !now.isBefore(status.startedAt().plus(d.readyGrace())))) {
            status.markReady();
            w.notifier().notify("READY=1", "STATUS=" + status.summary());
            LOG.info("ready: {}", status.summary());
        }
    }

    private List<String> actionsFor(OutputResult r) {
        return agent.config().services().stream().filter(s -> r.services().contains(s.name()))
                .map(s -> s.name() + ": " + s.action()).toList();
    }

    /**
     * Runs the settled actions in service order through the pool, feeding the watchdog meanwhile; on a stop request
     * the actions not yet started go back to the settler, to be saved and resumed by the next start.
     */
    private boolean act(Instant now) throws InterruptedException {
        List<String> order = agent.config().services().stream().map(ServiceSpec::name).toList();
        List<Settler.Pending> due = settler.takeDue(now, order);
        if (due.isEmpty()) {
            return false;
        }
        List<Supplier<ActionResult>> work = due.stream().map(p -> (Supplier<ActionResult>) () -> act(p)).toList();
        List<Optional<ActionResult>> results = pool.run(work, () -> stop, () -> watchdog.feed(now()),
                watchdog.tickEvery());
        for (int i = 0; i < due.size(); i++) {
            Settler.Pending p = due.get(i);
            Optional<ActionResult> result = results.get(i);
            if (result.isEmpty()) {
                LOG.info("service {}: stopping before its action started; it runs after the next start", p.service());
                settler.putBack(p);
                continue;
            }
            ActionResult r = result.get();
            Instant at = now();
            status.acted(r, at);
            metrics.acted(r);
            audit.action(r, p.outputs(), at);
            if (r.outcome().failed()) {
                LOG.error("service {}: {} {}: {}", r.service(), r.action(), r.outcome(), r.detail());
            } else {
                LOG.info("service {}: {} {}", r.service(), r.action(), String.join(" ", r.units()));
            }
        }
        return true;
    }

    private ActionResult act(Settler.Pending p) {
        try {
            return agent.act(p.action(), p.rollback());
        } catch (RuntimeException e) {
            return new ActionResult(p.service(), p.action().action(), p.action().units(), ActionResult.Outcome.FAILED,
                    "the action failed unexpectedly (" + describe(e) + ")");
        }
    }

    private void report(Instant now) {
        String line = status.summary();
        if (status.ready() && !line.equals(status.lastSent())) {
            status.sent(line);
            w.notifier().notify("STATUS=" + line);
        }
        watchdog.feed(now);
    }

    private Instant nextWake(Instant now) {
        Instant next = now.plus(Duration.ofMinutes(10));
        for (ScheduledBackend b : scheduled.values()) {
            next = min(next, b.nextPoll().orElse(next));
        }
        if (retryAt != null) {
            next = min(next, retryAt);
        }
        for (Optional<Instant> other : List.of(settler.next(), watchdog.next())) {
            if (other.isPresent()) {
                next = min(next, other.get());
            }
        }
        if (!status.ready()) {
            next = min(next, status.startedAt().plus(agent.config().daemon().readyGrace()));
        }
        return next;
    }

    /** An agent error's message (it names things, never values); for anything else only its type. */
    private static String describe(RuntimeException e) {
        return e instanceof AgentException ? e.getMessage() : "unexpected " + e.getClass().getName();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private void reload(Instant now) {
        ScheduledAgent fresh;
        try {
            fresh = open();
        } catch (RuntimeException e) {
            LOG.error("config reload rejected, keeping the running config: {}", describe(e));
            audit.reload(now, w.configFile(), describe(e));
            status.reloadRejected(describe(e));
            metrics.reloaded(false);
            saveState();
            return;
        }
        Agent old = agent;
        install(fresh, now);
        old.close();
        retryAt = now;
        metrics.reloaded(true);
        LOG.info("config reloaded from {}", w.configFile());
        audit.reload(now, w.configFile(), null);
    }

    private ScheduledAgent open() {
        return ScheduledAgent.open(w.opener(), w.configFile(), w.host().clock(), w.random(), w.polls(), w.wake());
    }

    private void install(ScheduledAgent fresh, Instant now) {
        AgentConfig config = fresh.agent().config();
        DaemonSettings d = config.daemon();
        agent = fresh.agent();
        scheduled = fresh.backends();
        Duration splay = Settler.splayOffset(w.host().machineId(), d.splay());
        if (settler == null) {
            settler = new Settler(d.settle(), splay);
        } else {
            settler.reconfigure(d.settle(), splay, config);
        }
        if (pool == null || pool.size() != d.parallelism()) {
            if (pool != null) {
                pool.close();
            }
            pool = new ActionPool(d.parallelism());
        }
        status.configured(config);
    }

    /** Saves the state file, then the metrics textfile (when configured) from the same view. */
    private void saveState() {
        DaemonState saved = null;
        try {
            saved = status.save(agent.config(), settler, cycles);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the state file {} ({})", DaemonState.fileIn(agent.config().stateDir()),
                    e.getClass().getSimpleName());
        }
        if (saved != null) {
            metrics.write(agent.config(), saved, scheduled);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
        if (agent != null) {
            agent.close();
        }
    }
}
