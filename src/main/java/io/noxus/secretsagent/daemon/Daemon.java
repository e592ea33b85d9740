package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.action.ActionResult;
import io.noxus.secretsagent.action.ActionRunner;
import io.noxus.secretsagent.action.ProcessRunner;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.DaemonSettings;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.engine.AgentContext;
import io.noxus.secretsagent.engine.OutputResult;
import io.noxus.secretsagent.engine.PlannedAction;
import io.noxus.secretsagent.engine.RenderEngine;
import io.noxus.secretsagent.engine.RenderOptions;
import io.noxus.secretsagent.secret.AgentException;
import io.noxus.secretsagent.time.Sleeper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running mode: a loop that renders with the same engine as {@code render} whenever a backend is due,
 * coalesces the resulting actions per service in a settle window, runs them in service order with a parallelism
 * limit, and reports to systemd, the state file and the audit trail. {@link #requestStop()} and
 * {@link #requestReload()} are safe from signal handlers: they set a flag and wake the loop, which finishes what
 * it is doing (a write is never cut short) before it stops or reloads.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /**
     * Everything the daemon needs from outside, injected once: how to open a config, how to build the action runner
     * for it, systemd's notifier, the audit sink, time, randomness (jitter) and this host's machine id (splay).
     */
    public record Wiring(Path configFile, Function<Path, AgentContext> opener,
                         Function<AgentConfig, ActionRunner> runners, Notifier notifier,
                         Consumer<String> audit, Clock clock, Sleeper sleeper, Runnable wake,
                         RandomGenerator random, String machineId) {
    }

    private final Wiring w;
    private final Audit audit;
    private final Status status;
    private final Set<String> held = new HashSet<>();
    private volatile boolean stop;
    private volatile boolean reload;
    private AgentContext context;
    private Map<String, ScheduledBackend> scheduled = Map.of();
    private RenderEngine engine;
    private ActionRunner runner;
    private ExecutorService pool;
    private int poolSize;
    private Settler settler;
    private Instant retryAt;
    private Instant lastPing = Instant.MIN;
    private long cycles;

    public Daemon(Wiring wiring) {
        this.w = wiring;
        this.audit = new Audit(wiring.audit());
        this.status = new Status(wiring.clock().instant());
    }

    /** Opens the config (a bad one fails the start), resumes actions a previous run left waiting. */
    public void start() {
        Instant now = w.clock().instant();
        install(w.opener().apply(w.configFile()), now);
        status.resume(context.config().daemon().stateFile(), settler, now);
        retryAt = now;
    }

    /** Loops until {@link #requestStop()}; never returns early because a backend or an action fails. */
    public void run() throws InterruptedException {
        while (!stop) {
            step();
        }
        w.notifier().notify("STOPPING=1", "STATUS=stopping: " + status.summary());
        saveState();
        LOG.info("stopped after {} cycles", cycles);
    }

    /** One turn: reload if asked, render when a backend is due, act on settled changes, report, then wait. */
    void step() throws InterruptedException {
        Instant now = w.clock().instant();
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
            worked |= act(w.clock().instant());
        }
        now = w.clock().instant();
        if (worked) {
            saveState();
        }
        report(now);
        if (!stop && !reload) {
            Duration wait = Duration.between(now, nextWake(now));
            if (!wait.isNegative() && !wait.isZero()) {
                w.sleeper().sleep(wait);
            }
        }
    }

    /** The host's wiring: real time, real systemctl, systemd-notify, audit lines to stdout. */
    public static Daemon forHost(Path configFile, PrintWriter auditOut) {
        Wakeup wakeup = new Wakeup();
        Clock clock = Clock.systemUTC();
        String machineId = "";
        try {
            machineId = Files.readString(Path.of("/etc/machine-id")).strip();
        } catch (IOException e) {
            LOG.warn("no /etc/machine-id ({}); actions get no per-host splay", e.getClass().getSimpleName());
        }
        return new Daemon(new Wiring(configFile, AgentContext::open,
                config -> ActionRunner.forHost(config.daemon().healthTimeout(), clock, Sleeper.SYSTEM),
                Notifier.fromEnvironment(System.getenv(), new ProcessRunner(),
                        ProcessHandle.current().pid()),
                line -> auditOut.println(line), clock, wakeup, wakeup::wake, new SplittableRandom(),
                machineId));
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

    private boolean cycleDue(Instant now) {
        return (retryAt != null && !now.isBefore(retryAt))
                || scheduled.values().stream().anyMatch(b -> b.schedule().due(now));
    }

    private void cycle(Instant now) {
        retryAt = null;
        DaemonSettings d = context.config().daemon();
        RenderEngine.Rendering rendering;
        try {
            rendering = engine.run(new RenderOptions(Set.of(), false, Duration.ofSeconds(30), w.clock(), w.sleeper(),
                    held));
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
            if (r.status() != OutputResult.Status.UNCHANGED && r.status() != OutputResult.Status.FAILED) {
                auditChange(r, now);
                r.services().forEach(s -> changedByService.computeIfAbsent(s, k -> new ArrayList<>()).add(r.path()));
            }
        }
        for (PlannedAction a : rendering.report().actions()) {
            settler.changed(a.service(), now, rendering.rollback(), changedByService.getOrDefault(a.service(),
                    List.of()));
        }
        status.backends(scheduled);
        if (!status.ready() && (!rendering.report().failed() || !now.isBefore(status.startedAt().plus(d.readyGrace())))) {
            status.markReady();
            w.notifier().notify("READY=1", "STATUS=" + status.summary());
            LOG.info("ready: {}", status.summary());
        }
    }

    private void auditChange(OutputResult r, Instant now) {
        List<String> actions = r.services().stream().map(s -> context.config().service(s))
                .flatMap(Optional::stream).map(s -> s.name() + ": " + s.action()).toList();
        audit.outputChanged(r, actions, now);
    }

    /** Runs the settled actions in service order, {@code parallelism} at a time, pinging the watchdog meanwhile. */
    private boolean act(Instant now) throws InterruptedException {
        List<String> order = context.config().services().stream().map(ServiceSpec::name).toList();
        List<Settler.Pending> due = settler.takeDue(now, order);
        if (due.isEmpty()) {
            return false;
        }
        List<Future<ActionResult>> futures = new ArrayList<>();
        for (Settler.Pending p : due) {
            ServiceSpec service = context.config().service(p.service()).orElseThrow();
            futures.add(pool.submit(() -> runner.run(service, () -> p.rollback().restore(p.service()))));
        }
        for (int i = 0; i < due.size(); i++) {
            ActionResult result = await(futures.get(i), due.get(i));
            Settler.Pending p = due.get(i);
            if (result.outcome() == ActionResult.Outcome.ROLLED_BACK
                    || result.outcome() == ActionResult.Outcome.ROLLBACK_FAILED) {
                held.addAll(p.rejected());
            }
            Instant at = w.clock().instant();
            status.acted(result, at);
            audit.action(result, p.outputs(), at);
            if (result.outcome().failed()) {
                LOG.error("service {}: {} {}: {}", result.service(), result.action(), result.outcome(), result.detail());
            } else {
                LOG.info("service {}: {} {}", result.service(), result.action(), String.join(" ", result.units()));
            }
        }
        return true;
    }

    private ActionResult await(Future<ActionResult> future, Settler.Pending p) throws InterruptedException {
        while (true) {
            Instant now = w.clock().instant();
            watchdog(now);
            long wait = w.notifier().watchdogInterval().map(i -> Duration.between(now, lastPing.plus(i.dividedBy(2)))
                    .toMillis()).orElse(5000L);
            try {
                return future.get(Math.max(10, wait), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // not done yet: feed the watchdog and wait on
            } catch (ExecutionException e) {
                return new ActionResult(p.service(), "?", List.of(), ActionResult.Outcome.FAILED,
                        "the action failed unexpectedly (" + e.getCause().getClass().getName() + ")");
            }
        }
    }

    private void report(Instant now) {
        String line = status.summary();
        if (status.ready() && !line.equals(status.lastSent())) {
            status.sent(line);
            w.notifier().notify("STATUS=" + line);
        }
        watchdog(now);
    }

    /** WATCHDOG=1 at least every WatchdogSec/2, so a slow systemd-notify or a busy host still keeps in time. */
    private void watchdog(Instant now) {
        Optional<Duration> interval = w.notifier().watchdogInterval();
        if (interval.isPresent() && !now.isBefore(lastPing.plus(interval.get().dividedBy(2)))) {
            lastPing = now;
            w.notifier().notify("WATCHDOG=1");
        }
    }

    private Instant nextWake(Instant now) {
        Instant next = now.plus(Duration.ofMinutes(10));
        for (ScheduledBackend b : scheduled.values()) {
            next = min(next, b.schedule().next());
        }
        if (retryAt != null) {
            next = min(next, retryAt);
        }
        Optional<Instant> action = settler.next();
        if (action.isPresent()) {
            next = min(next, action.get());
        }
        if (!status.ready()) {
            next = min(next, status.startedAt().plus(context.config().daemon().readyGrace()));
        }
        Optional<Duration> ping = w.notifier().watchdogInterval();
        if (ping.isPresent()) {
            next = min(next, lastPing.plus(ping.get().dividedBy(2)));
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
        AgentContext fresh;
        try {
            fresh = w.opener().apply(w.configFile());
        } catch (RuntimeException e) {
            rejected(now, describe(e));
            return;
        }
        AgentContext old = context;
        install(fresh, now);
        old.close();
        held.clear();
        retryAt = now;
        LOG.info("config reloaded from {}", w.configFile());
        audit.reload(now, w.configFile(), null);
    }

    private void rejected(Instant now, String why) {
        LOG.error("config reload rejected, keeping the running config: {}", why);
        audit.reload(now, w.configFile(), why);
        status.reloadRejected(why);
    }

    private void install(AgentContext fresh, Instant now) {
        DaemonSettings d = fresh.config().daemon();
        Map<String, ScheduledBackend> wrapped = new LinkedHashMap<>();
        fresh.backends().forEach((name, backend) -> wrapped.put(name, new ScheduledBackend(name, backend,
                new PollSchedule(d.pollInterval(name), d.jitter(), d.backoffInitial(), d.backoffMax(), w.random(), now),
                w.clock())));
        context = fresh;
        scheduled = wrapped;
        engine = new RenderEngine(fresh.config(), new LinkedHashMap<>(wrapped));
        runner = w.runners().apply(fresh.config());
        Duration splay = Settler.splayOffset(w.machineId(), d.splay());
        if (settler == null) {
            settler = new Settler(d.settle(), splay);
        } else {
            settler.reconfigure(d.settle(), splay);
        }
        if (pool == null || poolSize != d.parallelism()) {
            if (pool != null) {
                pool.shutdown();
            }
            poolSize = d.parallelism();
            pool = Executors.newFixedThreadPool(poolSize, r -> {
                Thread t = new Thread(r, "action");
                t.setDaemon(true);
                return t;
            });
        }
        status.configured(fresh.config());
    }

    private void saveState() {
        try {
            status.save(context.config(), settler, cycles);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the state file {} ({})", context.config().daemon().stateFile(),
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (context != null) {
            context.close();
        }
    }
}
