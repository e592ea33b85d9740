package io.noxus.secretsagent.action;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** systemctl through a {@link CommandRunner}; {@code base} is how to call it (normally {@code [systemctl]}). */
public final class Systemctl {
    private final List<String> base;
    private final CommandRunner runner;
    private final Duration timeout;

    public Systemctl(List<String> base, CommandRunner runner, Duration timeout) {
        this.base = List.copyOf(base);
        this.runner = runner;
        this.timeout = timeout;
    }

    /** Runs {@code systemctl ARGS... UNITS...}; empty when it succeeded, else why not. */
    Optional<String> run(List<String> args, List<String> units) {
        List<String> argv = new ArrayList<>(base);
        argv.addAll(args);
        argv.addAll(units);
        CommandRunner.Result r = runner.run(argv, timeout);
        if (r.ok()) {
            return Optional.empty();
        }
        String words = r.output().lines().findFirst().orElse("").strip();
        return Optional.of("systemctl " + String.join(" ", args) + " " + String.join(" ", units)
                + (r.timedOut() ? " timed out after " + timeout.toSeconds() + " s" : " failed (exit " + r.exitCode()
                + (words.isEmpty() ? "" : ": " + words) + ")"));
    }

    /** The unit's active state as {@code systemctl is-active} prints it (active, activating, failed, ...). */
    String activeState(String unit) {
        List<String> argv = new ArrayList<>(base);
        argv.addAll(List.of("is-active", unit));
        CommandRunner.Result r = runner.run(argv, timeout);
        return r.output().lines().reduce((a, b) -> b).orElse("unknown").strip();
    }
}
