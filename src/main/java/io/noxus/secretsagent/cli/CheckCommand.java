package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.engine.CheckReport;
import io.noxus.secretsagent.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code check}: validate the config, print the scope matrix and permission warnings, optionally ask backends. */
@Command(name = "check", description = "Validate the config, check the host (units exist, roots writable under the agent unit's sandbox, "
        + "credential file modes) and print who receives which secret (names only); every error at once.")
final class CheckCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.ParentCommand
    Main main;
    @Mixin
    ConfigOption config;
    @Option(names = "--backends", description = "Also fetch every reference and report the ones that fail.")
    boolean backends;
    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "Report format (default: ${DEFAULT-VALUE}).")
    RenderCommand.OutputMode output;

    @Override
    public Integer call() {
        CheckReport report;
        try (Agent agent = Agent.open(config.file, main.host())) {
            report = agent.check(backends);
        }
        if (output == RenderCommand.OutputMode.json) {
            com.fasterxml.jackson.databind.node.ObjectNode tree = Json.MAPPER.valueToTree(report);
            tree.put("failed", report.failed());
            spec.commandLine().getOut().println(Json.pretty(tree));
        } else {
            ReportPrinter.check(report, spec.commandLine().getOut());
        }
        return report.failed() ? 1 : 0;
    }
}
