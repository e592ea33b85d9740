package io.noxus.secretsagent.cli;

import picocli.CommandLine.Command;

/** {@code export}: the config as another system's objects; today {@code export kubernetes}. */
@Command(name = "export", description = "Write the config's scope policy for another platform (names only).",
        subcommands = ExportKubernetesCommand.class)
final class ExportCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.ParentCommand
    Main main;

    io.noxus.secretsagent.app.Host mainHost() {
        return main.host();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
