package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.engine.CheckReport;
import io.noxus.secretsagent.kube.KubernetesMatrix;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code check}: validate the config, print the scope matrix and permission warnings, optionally ask backends. */
@Command(name = "check", description = "Validate the config and print who receives which secret (names only).")
final class CheckCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.ParentCommand
    Main main;
    @Mixin
    ConfigOption config;
    @Option(names = "--backends", description = "Also fetch every reference and report the ones that fail.")
    boolean backends;
    @Option(names = "--kubernetes", description = "Also print the matrix of the workloads `export kubernetes` "
            + "writes, read back from their Secrets (reads the secrets of bulk mappings for their field names).")
    boolean kubernetes;

    @Override
    public Integer call() {
        CheckReport report;
        try (Agent agent = Agent.open(config.file, main.host())) {
            report = agent.check(backends);
            ReportPrinter.check(report, spec.commandLine().getOut());
            if (kubernetes) {
                spec.commandLine().getOut().println("\nKubernetes workloads (export kubernetes):");
                ReportPrinter.check(KubernetesMatrix.of(agent.config(), agent.kubernetes().workloads(List.of())),
                        spec.commandLine().getOut());
            }
        }
        return report.failed() ? 1 : 0;
    }
}
