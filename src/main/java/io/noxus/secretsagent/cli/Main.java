package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.app.Host;
import io.noxus.secretsagent.log.JournalLog;
import io.noxus.secretsagent.secret.AgentException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Entry point: wires the commands and maps every error to its exit code, in one place.
 *
 * <p>The top command's model is built with picocli's programmatic API (see RenderCommand for why). Its scope is
 * INHERIT: every subcommand gets -h/--help, -V/--version, --log-level and the manual-page sections below (exit status,
 * files, environment), so that {@code noxus-secrets-agent render --help} reads like {@code man}.
 */
public final class Main implements Runnable {
    /* The subcommands, in the order help lists them. Not all added up front: picocli would build every command's model
       (reflection over each class, its options' types and converters) at each start; a run builds only the one it
       names (commandLineFor). */
    private static final Map<String, Function<Main, Object>> COMMANDS = commands();
    private CommandLine.Model.CommandSpec spec;
    private final Host host;
    private org.slf4j.event.Level logLevel = org.slf4j.event.Level.INFO;

    /** Inherited: {@code noxus-secrets-agent --log-level debug daemon} and {@code daemon --log-level debug} both work. */
    private void logLevel(String level) {
        try {
            logLevel = JournalLog.parseLevel(level);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static CommandLine.Model.CommandSpec spec(Main main) {
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(main);
        main.spec = spec;
        spec.name("noxus-secrets-agent").versionProvider(new VersionCommand.Provider()); // -h, -V: helpOptions
        spec.usageMessage()
                .description("Renders scoped env files for Noxus services from secret backends.")
                .exitCodeListHeading("%nExit status:%n")
                .exitCodeList(exitCodes(
                        "0:success (render --detailed-exitcode: nothing changed)",
                        "1:error: config, usage, a failed output, action or check --backends; check --rotation: overdue"
                                + " or expired",
                        "2:render --detailed-exitcode: something changed"))
                .footerHeading("%nFiles:%n")
                .footer("  /etc/noxus-secrets-agent/config.yaml  the config (+ conf.d/*.yaml fragments)",
                        "  /var/lib/noxus-secrets-agent          state: host key, fingerprints, lock",
                        "  /var/lib/noxus-secrets-agent/daemon.json  the daemon's last cycle (status)",
                        "",
                        "Environment:",
                        "  JAVA_HOME              the Java the launcher runs (else java on PATH)",
                        "  NOXUS_AGENT_JAVA_OPTS  extra JVM options, after the shipped ones",
                        "  NOXUS_AGENT_DEBUG      set: a stack trace on an internal error",
                        "",
                        "See also: /opt/noxus-secrets-agent/README.md and docs/,",
                        "  journalctl -u noxus-secrets-agent, systemctl status noxus-secrets-agent");
        spec.addOption(CommandLine.Model.OptionSpec.builder("--log-level").paramLabel("error|warn|info|debug")
                .type(String.class).scopeType(CommandLine.ScopeType.INHERIT).hasInitialValue(false)
                .description("Log lines (stderr, the journal) at this level and above; default info. Third-party "
                        + "libraries never log below warn.")
                .setter(new CommandLine.Model.ISetter() {
                    @Override
                    public <T> T set(T value) {
                        main.logLevel((String) value);
                        return null;
                    }
                })
                .build());
        spec.scopeType(CommandLine.ScopeType.INHERIT);
        return spec;
    }

    /**
     * Gives every command of the tree that has no -h or -V of its own (picocli's {@code help} command has) the mixin
     * picocli's {@code mixinStandardHelpOptions} adds, under its name and with its option names and words: picocli
     * builds that mixin from its annotated {@code AutoHelpMixin} class by reflection, spinning annotation proxies at
     * every start, once for the top command and again for each subcommand it passes to. Called once the tree is
     * built, so that no subcommand added later inherits picocli's own.
     */
    private static CommandLine withHelpOptions(CommandLine cli) {
        CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
        Map<String, CommandLine.Model.OptionSpec> options = spec.optionsMap();
        if (!options.containsKey("-h") && !options.containsKey("--help") && !options.containsKey("-V")
                && !options.containsKey("--version")) {
            CommandLine.Model.CommandSpec mixin = CommandLine.Model.CommandSpec.create();
            mixin.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
            mixin.addOption(CommandLine.Model.OptionSpec.builder("-V", "--version").versionHelp(true)
                    .description("Print version information and exit.").build());
            spec.addMixin("mixinStandardHelpOptions", mixin);
        }
        new LinkedHashSet<>(cli.getSubcommands().values()).forEach(Main::withHelpOptions);
        return cli;
    }

    /** "code:text" pairs, as the annotation's exitCodeList takes them. */
    private static Map<String, String> exitCodes(String... codes) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String code : codes) {
            int colon = code.indexOf(':');
            map.put(code.substring(0, colon), code.substring(colon + 1));
        }
        return map;
    }

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
        CommandLine cli = commandLineFor(host, args);
        cli.setOut(out);
        cli.setErr(err);
        String error = JournalLog.line(JournalLog.underJournal(host.environment()), org.slf4j.event.Level.ERROR,
                "error: ");
        cli.setParameterExceptionHandler((e, argv) -> {
            err.println(error + e.getMessage());
            // picocli's own handler prints "Did you mean: ..." for a mistyped subcommand or option; keep that.
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
            return AgentException.EXIT_ERROR;
        });
        Main main = cli.getCommand();
        cli.setExecutionStrategy(parseResult -> {
            // Before the command runs: under systemd (JOURNAL_STREAM) every stderr line gets its journal priority.
            JournalLog.configure(main.logLevel, host.environment(), System.err);
            return new CommandLine.RunLast().execute(parseResult);
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof AgentException agent) {
                err.println(error + agent.getMessage());
                return agent.exitCode();
            }
            // An unexpected failure: name its type only, as its message could quote data.
            err.println(JournalLog.line(JournalLog.underJournal(host.environment()), org.slf4j.event.Level.ERROR,
                    "internal error: ") + e.getClass().getName() + " (set NOXUS_AGENT_DEBUG=1 for a stack trace)");
            if (host.environment().get("NOXUS_AGENT_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return AgentException.EXIT_ERROR;
        });
        return cli.execute(args);
    }

    private static Map<String, Function<Main, Object>> commands() {
        Map<String, Function<Main, Object>> commands = new LinkedHashMap<>();
        commands.put("render", RenderCommand::spec);
        commands.put("daemon", main -> new DaemonCommand());
        commands.put("check", main -> new CheckCommand());
        commands.put("status", main -> new StatusCommand());
        commands.put("policy", main -> new PolicyCommand());
        commands.put("export", main -> new ExportCommand());
        commands.put("version", main -> new VersionCommand());
        commands.put("help", main -> new CommandLine.HelpCommand());
        return Collections.unmodifiableMap(commands);
    }

    /** The whole command tree on the given host (also what the man pages and the completion script are made from). */
    static CommandLine commandLine(Host host) {
        return tree(host, COMMANDS);
    }

    /** The top command on the given host with these subcommands, and the help options. */
    private static CommandLine tree(Host host, Map<String, Function<Main, Object>> commands) {
        Main main = new Main(host);
        CommandLine cli = new CommandLine(spec(main));
        commands.forEach((name, command) -> cli.addSubcommand(name, command.apply(main)));
        return withHelpOptions(cli);
    }

    /**
     * The tree a run needs: the top command with only the subcommand the arguments name (the first argument that is
     * one's name; option values before it, such as {@code --log-level debug}, are none), or the whole tree when they
     * name none or name {@code help} (the top's usage, "Did you mean" for a mistyped command and {@code help CMD}
     * need every command).
     */
    static CommandLine commandLineFor(Host host, String... args) {
        for (String arg : args) {
            Function<Main, Object> command = COMMANDS.get(arg);
            if (command == null) {
                continue;
            }
            if (arg.equals("help")) {
                break;
            }
            return tree(host, Map.of(arg, command));
        }
        return commandLine(host);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
