package io.noxus.secretsagent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noxus.secretsagent.action.ActionResult;
import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.RenderRequest;
import io.noxus.secretsagent.engine.PlannedAction;
import io.noxus.secretsagent.engine.RenderEngine;
import io.noxus.secretsagent.engine.RenderReport;
import io.noxus.secretsagent.json.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code render}: one pass, for people and for Ansible: parse, render, act, print. */
@Command(name = "render", description = "Fetch secrets and write every (or the named) service's files once.")
final class RenderCommand implements Callable<Integer> {
    static final int EXIT_CHANGED = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.ParentCommand
    Main main;
    @Mixin
    ConfigOption config;
    @Option(names = "--service", paramLabel = "NAME", description = "Only this service (repeatable).")
    List<String> services = List.of();
    @Option(names = "--dry-run", description = "Write nothing; report what would change.")
    boolean dryRun;
    @Option(names = "--diff", description = "Name the variables added, removed and changed, and the due actions.")
    boolean diff;
    @Option(names = "--no-act", description = "Write the files but do not restart, reload or signal any unit.")
    boolean noAct;
    @Option(names = "--output", paramLabel = "text|json", description = "Report format (default: ${DEFAULT-VALUE}).",
            defaultValue = "text")
    OutputMode output;
    @Option(names = "--detailed-exitcode", description = "Exit 0 when nothing changed, 2 when something did, 1 on error.")
    boolean detailedExitCode;
    @Option(names = "--lock-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for another render or the daemon (default: ${DEFAULT-VALUE}).")
    int lockTimeoutSeconds;

    enum OutputMode { text, json }

    /**
     * The report as JSON with snake_case keys, top-level {@code changed} / {@code failed} as Ansible expects, and the
     * actions taken.
     */
    static String json(RenderReport report, List<ActionResult> acted) {
        ObjectNode tree = Json.MAPPER.createObjectNode();
        tree.put("changed", report.changed());
        tree.put("failed", report.failed());
        tree.setAll((ObjectNode) Json.MAPPER.valueToTree(report));
        tree.set("acted", Json.MAPPER.valueToTree(acted));
        return Json.pretty(tree);
    }

    @Override
    public Integer call() {
        RenderReport report;
        List<ActionResult> acted = new ArrayList<>();
        try (Agent agent = Agent.open(config.file, main.host())) {
            RenderEngine.Rendering rendering = agent.render(new RenderRequest(new HashSet<>(services), dryRun,
                    Duration.ofSeconds(lockTimeoutSeconds)));
            report = rendering.report();
            if (!dryRun && !noAct) {
                for (PlannedAction planned : report.actions()) {
                    acted.add(agent.act(planned, rendering.rollback()));
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputMode.json) {
            out.println(json(report, acted));
        } else {
            ReportPrinter.render(report, diff, out);
            ReportPrinter.acted(acted, out);
        }
        if (report.failed() || acted.stream().anyMatch(a -> a.outcome().failed())) {
            return 1;
        }
        return detailedExitCode && report.changed() ? EXIT_CHANGED : 0;
    }
}
