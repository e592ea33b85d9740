package io.noxus.secretsagent.action;

import io.noxus.secretsagent.config.ActionSpec;
import io.noxus.secretsagent.config.ServiceSpec;
import java.util.List;

/** The one factory from an {@link ActionSpec} to an {@link Action}. */
public final class Actions {
    private Actions() {
    }

    public static Action of(ActionSpec spec, Systemctl systemctl, CommandRunner runner) {
        return switch (spec.kind()) {
            case NONE -> new Verb(systemctl, List.of());
            case RESTART -> new Verb(systemctl, List.of("restart"));
            case TRY_RESTART -> new Verb(systemctl, List.of("try-restart"));
            case RELOAD -> new Verb(systemctl, List.of("reload"));
            // SIG to the main process only: a reload-by-signal is meant for the service, not each worker it forked.
            case SIGNAL -> new Verb(systemctl, List.of("kill", "--kill-whom=main", "--signal=" + spec.signal()
                    .orElseThrow()));
            case COMMAND -> new Command(spec, runner);
        };
    }

    /** A systemctl verb applied to every unit at once ({@code args} empty: do nothing). */
    private record Verb(Systemctl systemctl, List<String> args) implements Action {
        @Override
        public Result apply(ServiceSpec service) {
            if (args.isEmpty() || service.units().isEmpty()) {
                return new Result(true, "nothing to do");
            }
            return systemctl.run(args, service.units()).map(failure -> new Result(false, failure))
                    .orElseGet(() -> new Result(true, "systemctl " + String.join(" ", args) + " "
                            + String.join(" ", service.units())));
        }
    }

    /** The service's own command; its output is not kept (it could print anything). */
    private record Command(ActionSpec spec, CommandRunner runner) implements Action {
        @Override
        public Result apply(ServiceSpec service) {
            CommandRunner.Result r = runner.run(spec.command(), spec.timeout());
            String program = "command " + spec.command().get(0);
            if (r.timedOut()) {
                return new Result(false, program + " timed out after " + spec.timeout().toSeconds()
                        + " s and was killed");
            }
            return r.exitCode() == 0 ? new Result(true, program) : new Result(false, program + " exited with "
                    + r.exitCode());
        }
    }
}
