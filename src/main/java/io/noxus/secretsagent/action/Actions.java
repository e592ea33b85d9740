package io.noxus.secretsagent.action;

import io.noxus.secretsagent.config.ActionSpec;
import java.util.List;

/** The one factory from an {@link ActionSpec} to an {@link Action}. */
public final class Actions {
    private Actions() {
    }

    public static Action of(ActionSpec spec, Systemctl systemctl, CommandRunner runner) {
        return switch (spec.kind()) {
            case NONE -> new Verb(systemctl, List.of(), false);
            case RESTART -> new Verb(systemctl, List.of("restart"), true);
            case TRY_RESTART -> new Verb(systemctl, List.of("try-restart"), true);
            case RELOAD -> new Verb(systemctl, List.of("reload"), false);
            // SIG to the main process only: a reload-by-signal is meant for the service, not each worker it forked.
            case SIGNAL -> new Verb(systemctl, List.of("kill", "--kill-whom=main", "--signal=" + spec.signal()
                    .orElseThrow()), false);
            case COMMAND -> new Command(spec, runner);
        };
    }

    /** A systemctl verb applied to every unit at once ({@code args} empty: do nothing). */
    private record Verb(Systemctl systemctl, List<String> args, boolean restarts) implements Action {
        @Override
        public String apply(List<String> units) {
            return args.isEmpty() || units.isEmpty() ? null : systemctl.run(args, units);
        }
    }

    /** The service's own command; its output is not kept (it could print anything). */
    private record Command(ActionSpec spec, CommandRunner runner) implements Action {
        @Override
        public String apply(List<String> units) {
            CommandRunner.Result r = runner.run(spec.command(), spec.timeout());
            if (r.timedOut()) {
                return "command " + spec.command().get(0) + " timed out after " + spec.timeout().toSeconds()
                        + " s and was killed";
            }
            return r.exitCode() == 0 ? null : "command " + spec.command().get(0) + " exited with " + r.exitCode();
        }

        @Override
        public boolean restarts() {
            return false;
        }
    }
}
