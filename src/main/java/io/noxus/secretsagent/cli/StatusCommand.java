package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.ConfigLoader;
import io.noxus.secretsagent.daemon.DaemonState;
import io.noxus.secretsagent.json.Json;
import io.noxus.secretsagent.secret.AgentException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code status}: what the daemon last did, from its state file; names, times and fingerprints, no values. */
@Command(name = "status", description = "Show what the daemon last did (from its state file); never a value.")
final class StatusCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "Report format (default: ${DEFAULT-VALUE}).")
    RenderCommand.OutputMode output;

    @Override
    public Integer call() throws Exception {
        AgentConfig loaded = ConfigLoader.load(config.file);
        Path file = loaded.daemon().stateFile();
        Optional<DaemonState> state;
        try {
            state = DaemonState.load(file);
        } catch (java.io.IOException e) {
            throw new AgentException(file + ": cannot read the daemon's state file (" + e.getClass().getSimpleName()
                    + ")");
        }
        if (state.isEmpty()) {
            throw new AgentException(file + ": no state file; the daemon has not run yet (or daemon.runtime_dir "
                    + "points elsewhere)");
        }
        PrintWriter out = spec.commandLine().getOut();
        DaemonState s = state.get();
        if (output == RenderCommand.OutputMode.json) {
            out.println(Json.pretty(s));
            return 0;
        }
        out.printf("daemon pid %d, started %s, last cycle %s, %s%n", s.pid(), s.startedAt(), s.lastCycleAt(),
                s.ready() ? "ready" : "not ready yet");
        out.println("status: " + s.status());
        s.outputs().forEach((path, o) -> {
            out.printf("%-14s %s  %s  last ok %s, last change %s%n", o.name(), path, o.status(), o.lastSuccessAt(),
                    o.lastChangeAt());
            o.errors().forEach(e -> out.println("    error: " + e));
        });
        s.backends().forEach((name, b) -> out.printf("backend %s: last answer %s, next poll %s%s%n", name,
                b.lastSuccessAt(), b.nextPollAt(), b.failingSince() == null ? "" : ", FAILING since " + b.failingSince()
                        + " (" + b.lastError() + ")"));
        s.pendingActions().forEach((svc, due) -> out.printf("waiting: %s at %s%n", svc, due));
        s.lastActions().forEach(a -> out.printf("acted %s: %s %s %s%s%n", a.at(), a.service(), a.action(),
                a.outcome(), a.outcome().equals("ok") ? "" : " - " + a.detail()));
        return 0;
    }
}
