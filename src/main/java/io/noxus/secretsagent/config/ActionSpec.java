package io.noxus.secretsagent.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How a service applies a change of its secrets, and to which systemd units. */
public record ActionSpec(Kind kind, Optional<String> signal, List<String> command, Duration timeout) {
    public enum Kind { NONE, RESTART, TRY_RESTART, RELOAD, SIGNAL, COMMAND }

    public static final ActionSpec NONE = new ActionSpec(Kind.NONE, Optional.empty(), List.of(), Duration.ZERO);

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case RESTART -> "restart";
            case TRY_RESTART -> "try-restart";
            case RELOAD -> "reload";
            case SIGNAL -> "signal:" + signal.orElseThrow();
            case COMMAND -> "command:" + command;
        };
    }
}
