package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.engine.CheckReport;
import io.noxus.secretsagent.engine.RotationReport;
import io.noxus.secretsagent.json.Json;
import io.noxus.secretsagent.kube.KubernetesMatrix;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code check}: validate the config, check the host, print the scope matrix and permission warnings, optionally ask
 * backends; with {@code --rotation}, how old each reference's value is against its rotation policy instead.
 */
@Command(name = "check", description = "Validate the config, check the host (units exist, roots writable under the agent unit's sandbox, "
        + "credential file modes) and print who receives which secret (names only); every error at once. With "
        + "--rotation: each reference's age against its rotation policy.")
final class CheckCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.ParentCommand
    Main main;
    @Mixin
    ConfigOption config;
    @Option(names = "--backends", description = "Also fetch every reference and report the ones that fail.")
    boolean backends;
    @Option(names = "--rotation", description = "Fetch every reference and print its age against its rotation "
            + "policy (names and dates only); exit 1 when one is overdue, expired or unreadable.")
    boolean rotation;
    @Option(names = "--service", paramLabel = "NAME", description = "With --rotation: only what this service needs "
            + "(repeatable).")
    List<String> services = List.of();
    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "Report format (default: ${DEFAULT-VALUE}).")
    RenderCommand.OutputMode output;
    @Option(names = "--kubernetes", description = "Also print the matrix of the workloads `export kubernetes` "
            + "writes, read back from their Secrets (reads the secrets of bulk mappings for their field names).")
    boolean kubernetes;

    @Override
    public Integer call() {
        if (!rotation && !services.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--service goes with --rotation");
        }
        if (rotation) {
            RotationReport report;
            try (Agent agent = Agent.open(config.file, main.host())) {
                report = agent.rotation(services);
            }
            if (output == RenderCommand.OutputMode.json) {
                spec.commandLine().getOut().println(RotationPrinter.json(report));
            } else {
                RotationPrinter.text(report, spec.commandLine().getOut());
            }
            return report.failed() ? 1 : 0;
        }
        CheckReport report;
        try (Agent agent = Agent.open(config.file, main.host())) {
            report = agent.check(backends);
            if (output == RenderCommand.OutputMode.json) {
                com.fasterxml.jackson.databind.node.ObjectNode tree = Json.MAPPER.valueToTree(report);
                tree.put("failed", report.failed());
                spec.commandLine().getOut().println(Json.pretty(tree));
            } else {
                ReportPrinter.check(report, spec.commandLine().getOut());
            }
            if (kubernetes) {
                spec.commandLine().getOut().println("\nKubernetes workloads (export kubernetes):");
                ReportPrinter.check(KubernetesMatrix.of(agent.config(), agent.kubernetes().workloads(List.of())),
                        spec.commandLine().getOut());
            }
        }
        return report.failed() ? 1 : 0;
    }
}
