package io.noxus.secretsagent.action;

import io.noxus.secretsagent.action.ActionResult.Outcome;
import io.noxus.secretsagent.config.ActionSpec;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Applies a service's action to its units, checks a restart's health and, when the service asks for it, rolls back:
 * restores the previous file(s) through the given {@link Restorer} and restarts again. Used by {@code render} and
 * by the daemon alike.
 */
public final class ActionRunner {
    /** Puts a service's previous file bytes back; false when there was nothing to restore. */
    @FunctionalInterface
    public interface Restorer {
        boolean restore();
    }

    private final Function<ActionSpec, Action> actions;
    private final Systemctl systemctl;
    private final HealthCheck health;

    public ActionRunner(Function<ActionSpec, Action> actions, Systemctl systemctl, HealthCheck health) {
        this.actions = actions;
        this.systemctl = systemctl;
        this.health = health;
    }

    /** The real thing: {@code systemctl} on this host, real processes, real time. */
    public static ActionRunner forHost(Duration healthTimeout, Clock clock, Sleeper sleeper) {
        CommandRunner runner = new ProcessRunner();
        Systemctl systemctl = new Systemctl(List.of("systemctl"), runner, healthTimeout.plusSeconds(60));
        return new ActionRunner(spec -> Actions.of(spec, systemctl, runner), systemctl,
                new HealthCheck(systemctl, clock, sleeper, healthTimeout, Duration.ofSeconds(1)));
    }

    public ActionResult run(ServiceSpec service, Restorer restorer) {
        ActionSpec spec = service.action();
        String label = spec.toString();
        if (spec.kind() == ActionSpec.Kind.NONE) {
            return new ActionResult(service.name(), label, service.units(), Outcome.SKIPPED, "action none");
        }
        Action action = actions.apply(spec);
        try {
            List<String> watched = spec.kind() == ActionSpec.Kind.TRY_RESTART ? running(service.units())
                    : service.units();
            String failure = failureOf(action.apply(service));
            if (failure == null && spec.restarts()) {
                failure = unhealthy(watched);
            }
            if (failure == null) {
                return new ActionResult(service.name(), label, service.units(), Outcome.OK, "done");
            }
            if (!spec.rollback() || !spec.restarts()) {
                return new ActionResult(service.name(), label, service.units(), Outcome.FAILED, failure);
            }
            if (!restorer.restore()) {
                return new ActionResult(service.name(), label, service.units(), Outcome.FAILED, failure
                        + "; no previous file to roll back to");
            }
            String again = failureOf(action.apply(service));
            if (again == null) {
                again = unhealthy(watched);
            }
            return again == null
                    ? new ActionResult(service.name(), label, service.units(), Outcome.ROLLED_BACK, failure
                            + "; the previous file was restored and the units are active again")
                    : new ActionResult(service.name(), label, service.units(), Outcome.ROLLBACK_FAILED, failure
                            + "; the previous file was restored, but: " + again);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ActionResult(service.name(), label, service.units(), Outcome.FAILED,
                    "interrupted while checking the units");
        }
    }

    private static String failureOf(Action.Result result) {
        return result.ok() ? null : result.detail();
    }

    private List<String> running(List<String> units) {
        List<String> out = new ArrayList<>();
        for (String unit : units) {
            String state = systemctl.activeState(unit);
            if (state.equals("active") || state.equals("activating") || state.equals("reloading")) {
                out.add(unit);
            }
        }
        return out;
    }

    private String unhealthy(List<String> units) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        for (String unit : units) {
            String problem = health.check(unit);
            if (problem != null) {
                problems.add(problem);
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }
}
