package io.noxus.secretsagent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noxus.secretsagent.app.HeldContent;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.ConfigLoader;
import io.noxus.secretsagent.daemon.DaemonState;
import io.noxus.secretsagent.json.Json;
import io.noxus.secretsagent.secret.AgentException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
        PrintWriter out = spec.commandLine().getOut();
        List<HeldContent> held = HeldContent.of(loaded);
        if (state.isEmpty()) {
            // Holds come from renders too (by hand, Ansible), so they are shown even when the daemon never ran.
            printHeld(held, out);
            throw new AgentException(file + ": no state file; the daemon has not run yet (or daemon.runtime_dir "
                    + "points elsewhere)");
        }
        DaemonState s = state.get();
        if (output == RenderCommand.OutputMode.json) {
            ObjectNode tree = Json.MAPPER.valueToTree(s);
            tree.set("held", Json.MAPPER.valueToTree(held));
            out.println(Json.pretty(tree));
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
        printHeld(held, out);
        s.lastActions().forEach(a -> out.printf("acted %s: %s %s %s%s%n", a.at(), a.service(), a.action(),
                a.outcome(), a.outcome().equals("ok") ? "" : " - " + a.detail()));
        return 0;
    }

    private static void printHeld(List<HeldContent> held, PrintWriter out) {
        held.forEach(h -> out.printf("held back: %s since %s (service %s failed with it and was rolled back; written "
                + "again when its secrets change)%n", h.path(), h.since(), h.service()));
    }
}
