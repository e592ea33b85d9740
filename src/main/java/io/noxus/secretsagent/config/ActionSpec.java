package io.noxus.secretsagent.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a service applies a change of its secrets. {@code rollback}: when a restarted unit does not become healthy,
 * put the previous file back and restart again.
 */
public record ActionSpec(Kind kind, Optional<String> signal, List<String> command, Duration timeout,
                         boolean rollback) {
    public enum Kind { NONE, RESTART, TRY_RESTART, RELOAD, SIGNAL, COMMAND }

    public static final ActionSpec NONE = new ActionSpec(Kind.NONE, Optional.empty(), List.of(), Duration.ZERO,
            false);

    public ActionSpec withRollback(boolean rollback) {
        return new ActionSpec(kind, signal, command, timeout, rollback);
    }

    /** Whether the action restarts the units, so that their health is checked after it. */
    public boolean restarts() {
        return kind == Kind.RESTART || kind == Kind.TRY_RESTART;
    }

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
