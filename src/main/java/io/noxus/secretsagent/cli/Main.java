package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.secret.AgentException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: wires the commands and maps every error to its exit code, in one place. */
@Command(name = "noxus-secrets-agent", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Renders scoped env files for Noxus services from secret backends.",
        subcommands = {RenderCommand.class, DaemonCommand.class, CheckCommand.class, StatusCommand.class,
            VersionCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line with the given writers; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, argv) -> {
            err.println("error: " + e.getMessage());
            err.println("see: noxus-secrets-agent " + String.join(" ", e.getCommandLine().getCommandSpec()
                    .qualifiedName().replace("noxus-secrets-agent", "").trim()) + " --help");
            return AgentException.EXIT_ERROR;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof AgentException agent) {
                err.println("error: " + agent.getMessage());
                return agent.exitCode();
            }
            // An unexpected failure: name its type only, as its message could quote data.
            err.println("internal error: " + e.getClass().getName() + " (set NOXUS_AGENT_DEBUG=1 for a stack trace)");
            if (System.getenv("NOXUS_AGENT_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return AgentException.EXIT_ERROR;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
