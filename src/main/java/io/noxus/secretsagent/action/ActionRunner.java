package io.noxus.secretsagent.action;

import io.noxus.secretsagent.action.ActionResult.Outcome;
import io.noxus.secretsagent.config.ActionSpec;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    /** The real thing: {@code systemctl} through the given runner, health checked on the given clock. */
    public static ActionRunner forHost(Duration healthTimeout, Clock clock, Sleeper sleeper, CommandRunner runner) {
        Systemctl systemctl = new Systemctl(List.of("systemctl"), runner, healthTimeout.plusSeconds(60));
        return new ActionRunner(spec -> Actions.of(spec, systemctl, runner), systemctl,
                new HealthCheck(systemctl, clock, sleeper, healthTimeout, Duration.ofSeconds(1)));
    }

    public ActionResult run(ServiceSpec service, Restorer restorer) {
        ActionSpec spec = service.action();
        if (spec.kind() == ActionSpec.Kind.NONE) {
            return result(service, Outcome.SKIPPED, "action none");
        }
        Action action = actions.apply(spec);
        try {
            List<String> watched = spec.kind() == ActionSpec.Kind.TRY_RESTART ? running(service.units())
                    : service.units();
            Optional<String> failure = applyAndCheck(action, service, watched);
            if (failure.isEmpty()) {
                return result(service, Outcome.OK, "done");
            }
            if (!spec.rollback() || !spec.restarts()) {
                return result(service, Outcome.FAILED, failure.get());
            }
            if (!restorer.restore()) {
                return result(service, Outcome.FAILED, failure.get() + "; no previous file to roll back to");
            }
            Optional<String> again = applyAndCheck(action, service, watched);
            return again.isEmpty()
                    ? result(service, Outcome.ROLLED_BACK, failure.get()
                            + "; the previous file was restored and the units are active again")
                    : result(service, Outcome.ROLLBACK_FAILED, failure.get()
                            + "; the previous file was restored, but: " + again.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return result(service, Outcome.FAILED, "interrupted while checking the units");
        }
    }

    private static ActionResult result(ServiceSpec service, Outcome outcome, String detail) {
        return new ActionResult(service.name(), service.action().toString(), service.units(), outcome, detail);
    }

    /** Applies the action and, after a restart, checks the watched units; empty when all went well. */
    private Optional<String> applyAndCheck(Action action, ServiceSpec service, List<String> watched)
            throws InterruptedException {
        Action.Result applied = action.apply(service);
        if (!applied.ok()) {
            return Optional.of(applied.detail());
        }
        return service.action().restarts() ? unhealthy(watched) : Optional.empty();
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

    private Optional<String> unhealthy(List<String> units) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        for (String unit : units) {
            health.check(unit).ifPresent(problems::add);
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
}
