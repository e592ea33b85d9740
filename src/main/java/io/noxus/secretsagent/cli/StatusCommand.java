package io.noxus.secretsagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.noxus.secretsagent.app.HeldContent;
import io.noxus.secretsagent.daemon.Ages;
import io.noxus.secretsagent.daemon.DaemonState;
import io.noxus.secretsagent.json.Json;
import io.noxus.secretsagent.secret.AgentException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code status}: what the daemon last did, from its state file alone (names, times, fingerprints, no values). It does
 * not load the config: it works when the config or a secrets file is broken, and after a stop.
 */
@Command(name = "status", description = "Show what the daemon last did (from its state file); never a value.",
        exitCodeListHeading = "%nExit status with --check:%n",
        exitCodeList = {"0:OK: running, every output current", "1:WARNING: an output stale or held, a backend failing, "
                + "not ready yet, or a config reload rejected", "2:CRITICAL: not running, or no readable state"})
final class StatusCommand implements Callable<Integer> {
    static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/noxus-secrets-agent");
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.ParentCommand
    Main main;
    @Mixin
    ConfigOption config;
    @Option(names = "--state-dir", paramLabel = "DIR", description = "The state folder (default: the config's "
            + "state_dir, read without loading the rest of the config; else " + "/var/lib/noxus-secrets-agent).")
    Path stateDir;
    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "Report format (default: ${DEFAULT-VALUE}).")
    RenderCommand.OutputMode output;
    @Option(names = "--check", description = "One line and exit 0 OK, 1 WARNING, 2 CRITICAL (monit, Nagios, a timer).")
    boolean check;

    @Override
    public Integer call() {
        Path dir = stateDir != null ? stateDir : stateDirOf(config.file);
        Path file = DaemonState.fileIn(dir);
        PrintWriter out = spec.commandLine().getOut();
        Instant now = main.host().clock().instant();
        Optional<DaemonState> state;
        try {
            state = DaemonState.load(file);
        } catch (IOException e) {
            if (check) {
                out.println("CRITICAL: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
                return 2;
            }
            throw new AgentException(file + ": cannot read the daemon's state file (" + e.getClass().getSimpleName()
                    + ")");
        }
        if (check) {
            StatusCheck.Verdict v = StatusCheck.of(state, file, running(state), now);
            out.println(v.line());
            return v.code();
        }
        List<HeldContent> held = HeldContent.in(dir);
        if (state.isEmpty()) {
            // Holds come from renders too (by hand, Ansible), so they are shown even when the daemon never ran.
            printHeld(held, out);
            throw new AgentException(file + ": no state file; the daemon has not run yet (or the state folder is "
                    + "elsewhere: --state-dir)");
        }
        DaemonState s = state.get();
        if (output == RenderCommand.OutputMode.json) {
            ObjectNode tree = Json.MAPPER.valueToTree(s);
            tree.put("running", running(state));
            tree.set("held", Json.MAPPER.valueToTree(held));
            out.println(Json.pretty(tree));
            return 0;
        }
        out.printf("daemon %s, started %s, last cycle %s%n", running(state)
                        ? "running (pid " + s.pid() + ", " + (s.ready() ? "ready" : "not ready yet") + ")"
                        : "NOT RUNNING" + (s.stoppedAt() == null ? " (pid " + s.pid() + " is gone)"
                        : " (stopped " + ago(s.stoppedAt(), now) + ")"),
                ago(s.startedAt(), now), ago(s.lastCycleAt(), now));
        out.println("status: " + s.status());
        s.outputs().forEach((path, o) -> {
            String age = o.notOkSince() == null ? "" : " for " + Ages.since(o.notOkSince(), now).map(Ages::text)
                    .orElse("?");
            out.printf("%-14s %s  %s%s  last ok %s, last change %s%n", o.name(), path, o.status(), age,
                    ago(o.lastSuccessAt(), now), ago(o.lastChangeAt(), now));
            o.errors().forEach(e -> out.println("    error: " + e));
        });
        s.backends().forEach((name, b) -> out.printf("backend %s: last answer %s, next poll %s%s%n", name,
                ago(b.lastSuccessAt(), now), b.nextPollAt(), b.failingSince() == null ? "" : ", FAILING for "
                        + Ages.since(b.failingSince(), now).map(Ages::text).orElse("?") + " (" + b.lastError() + ")"));
        s.pendingActions().forEach((svc, due) -> out.printf("waiting: %s at %s%n", svc, due));
        printHeld(held, out);
        s.lastActions().forEach(a -> out.printf("acted %s: %s %s %s%s%n", a.at(), a.service(), a.action(),
                a.outcome(), a.outcome().equals("ok") ? "" : " - " + a.detail()));
        return 0;
    }

    static String ago(String at, Instant now) {
        return at == null ? "never" : Ages.since(at, now).map(d -> Ages.text(d) + " ago (" + at + ")").orElse(at);
    }

    /**
     * Running: no stop recorded and the recorded pid is alive and was started no later than the daemon said it started
     * (the state folder outlives a reboot, where the pid may now be another program's).
     */
    static boolean running(Optional<DaemonState> state) {
        if (state.isEmpty() || state.get().stoppedAt() != null) {
            return false;
        }
        DaemonState s = state.get();
        Optional<ProcessHandle> process = ProcessHandle.of(s.pid());
        if (process.isEmpty()) {
            return false;
        }
        Optional<Instant> started = Ages.parse(s.startedAt());
        Optional<Instant> processStart = process.get().info().startInstant();
        return started.isEmpty() || processStart.isEmpty()
                || !processStart.get().isAfter(started.get().plus(Duration.ofMinutes(1)));
    }

    /**
     * The config's {@code state_dir}, read from the main file alone (no validation, no secrets file, no backend), so a
     * broken config still finds the state; the default when the file or the key is missing or unreadable.
     */
    static Path stateDirOf(Path configFile) {
        try {
            JsonNode dir = new ObjectMapper(new YAMLFactory()).readTree(configFile.toFile()).path("state_dir");
            if (dir.isTextual()) {
                Path base = configFile.toAbsolutePath().getParent();
                return base.resolve(dir.asText()).normalize();
            }
        } catch (IOException | RuntimeException e) {
            // unreadable or not YAML: the default place
        }
        return DEFAULT_STATE_DIR;
    }

    private static void printHeld(List<HeldContent> held, PrintWriter out) {
        held.forEach(h -> out.printf("held back: %s since %s (service %s failed with it and was rolled back; written "
                + "again when its secrets change)%n", h.path(), h.since(), h.service()));
    }
}
