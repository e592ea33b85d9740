package io.noxus.secretsagent.action;

import java.util.List;

/** One way of applying a change to a service's units (restart, reload, a signal, a command, nothing). */
public interface Action {
    /** Applies the change; {@code null} when it worked, else what went wrong (names and systemctl's words only). */
    String apply(List<String> units);

    /** Whether the units restart, so their health must be checked afterwards. */
    boolean restarts();
}
