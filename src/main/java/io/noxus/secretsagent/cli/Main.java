package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.app.Host;
import io.noxus.secretsagent.secret.AgentException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: wires the commands and maps every error to its exit code, in one place. */
/* scope = INHERIT: every subcommand gets -h/--help and the manual-page sections below (exit status, files,
   environment), so `noxus-secrets-agent render --help` reads like `man`. */
@Command(name = "noxus-secrets-agent", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = "Renders scoped env files for Noxus services from secret backends.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success (render --detailed-exitcode: nothing changed)",
            "1:error: config, usage, a failed output, action or check --backends",
            "2:render --detailed-exitcode: something changed"},
        footerHeading = "%nFiles:%n",
        footer = {"  /etc/noxus-secrets-agent/config.yaml  the config (+ conf.d/*.yaml fragments)",
            "  /var/lib/noxus-secrets-agent          state: host key, fingerprints, lock",
            "  /run/noxus-secrets-agent/state.json   the daemon's last cycle (status)",
            "",
            "Environment:",
            "  JAVA_HOME              the Java the launcher runs (else java on PATH)",
            "  NOXUS_AGENT_JAVA_OPTS  extra JVM options, after the shipped ones",
            "  NOXUS_AGENT_DEBUG      set: a stack trace on an internal error",
            "",
            "See also: /opt/noxus-secrets-agent/README.md and docs/,",
            "  journalctl -u noxus-secrets-agent, systemctl status noxus-secrets-agent"},
        subcommands = {RenderCommand.class, DaemonCommand.class, CheckCommand.class, StatusCommand.class, ExportCommand.class,
            VersionCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    private final Host host;

    private Main(Host host) {
        this.host = host;
    }

    /** The machine the subcommands work on. */
    Host host() {
        return host;
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), Host.real(), args));
    }

    /** Runs one command line with the given writers on this machine; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, Host.real(), args);
    }

    /** Runs one command line with the given writers on the given host (tests: a recording command runner). */
    public static int run(PrintWriter out, PrintWriter err, Host host, String... args) {
        CommandLine cli = new CommandLine(new Main(host));
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
            if (host.environment().get("NOXUS_AGENT_DEBUG") != null) {
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
