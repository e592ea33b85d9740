package io.noxus.secretsagent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints the agent's version and the Java runtime it runs on. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        for (String line : new Provider().getVersion()) {
            spec.commandLine().getOut().println(line);
        }
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"noxus-secrets-agent " + (version == null ? "dev" : version)
                    + " (Java " + Runtime.version() + ")"};
        }
    }
}
