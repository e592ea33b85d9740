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
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code render}: one pass, for people and for Ansible: parse, render, act, print.
 *
 * <p>Its model is built here with picocli's programmatic API, not read from annotations as the other commands' are:
 * render is the command run most often as a one-shot, and picocli reading the annotations of the top command and this
 * one (reflection, a proxy class spun per annotation type) cost ~50M of the ~790M instructions of a render of ten
 * secrets (docs/benchmarks.md, "Levers of goal 2, third round"). The help, the errors, the manual pages and the
 * completion script are the same as the annotations gave (MainTest compares the help with the annotated model's,
 * kept in the test resources).
 */
final class RenderCommand implements Callable<Integer> {
    static final int EXIT_CHANGED = 2;

    private final Main main;
    private CommandLine.Model.CommandSpec spec;

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

    private RenderCommand(Main main) {
        this.main = main;
    }

    /** The model of {@code render}, run by a new command object under {@code main}. */
    static CommandLine.Model.CommandSpec spec(Main main) {
        RenderCommand command = new RenderCommand(main);
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(command);
        command.spec = spec;
        spec.name("render");
        spec.usageMessage().description("Fetch secrets and write every (or the named) service's files once.");
        spec.addOption(ConfigOption.spec());
        spec.addOption(OptionSpec.builder("--service").paramLabel("NAME").type(List.class)
                .auxiliaryTypes(String.class).description("Only this service (repeatable).").build());
        flag(spec, "--dry-run", "Write nothing; report what would change.");
        flag(spec, "--diff", "Name the variables added, removed and changed, and the due actions.");
        flag(spec, "--no-act", "Write the files but do not restart, reload or signal any unit.");
        spec.addOption(OptionSpec.builder("--output").paramLabel("text|json").type(OutputMode.class)
                .defaultValue("text").description("Report format (default: ${DEFAULT-VALUE}).").build());
        flag(spec, "--detailed-exitcode", "Exit 0 when nothing changed, 2 when something did, 1 on error.");
        spec.addOption(OptionSpec.builder("--lock-timeout").paramLabel("SECONDS").type(int.class).defaultValue("60")
                .description("How long to wait for another render or the daemon (default: ${DEFAULT-VALUE}).").build());
        return spec;
    }

    private static void flag(CommandLine.Model.CommandSpec spec, String name, String description) {
        spec.addOption(OptionSpec.builder(name).type(boolean.class).initialValue(false).description(description)
                .build());
    }

    /** The value an option has after parsing (its default, or its initial value, when the command line omits it). */
    private <T> T option(String name) {
        return spec.findOption(name).getValue();
    }

    @Override
    public Integer call() {
        RenderReport report;
        List<ActionResult> acted = new ArrayList<>();
        List<String> services = option("--service");
        boolean dryRun = option("--dry-run");
        int lockTimeoutSeconds = option("--lock-timeout");
        try (Agent agent = Agent.open(option("--config"), main.host())) {
            RenderEngine.Rendering rendering = agent.render(new RenderRequest(
                    services == null ? Set.of() : new HashSet<>(services), dryRun,
                    Duration.ofSeconds(lockTimeoutSeconds)));
            report = rendering.report();
            if (!dryRun && !this.<Boolean>option("--no-act")) {
                for (PlannedAction planned : report.actions()) {
                    acted.add(agent.act(planned, rendering.rollback()));
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (option("--output") == OutputMode.json) {
            out.println(json(report, acted));
        } else {
            ReportPrinter.render(report, option("--diff"), out);
            ReportPrinter.acted(acted, out);
        }
        if (report.failed() || acted.stream().anyMatch(a -> a.outcome().failed())) {
            return 1;
        }
        return this.<Boolean>option("--detailed-exitcode") && report.changed() ? EXIT_CHANGED : 0;
    }
}
