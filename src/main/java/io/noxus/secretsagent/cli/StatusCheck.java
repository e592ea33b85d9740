package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.daemon.Ages;
import io.noxus.secretsagent.daemon.DaemonState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code status --check}: the state as one monitoring line and the Nagios/monit exit code. CRITICAL when the daemon
 * does not run (nothing keeps the files current); WARNING when it runs but something is not current (an output stale
 * or held, a backend failing, not ready yet, a config reload rejected); OK otherwise.
 */
final class StatusCheck {
    record Verdict(int code, String line) {
    }

    private StatusCheck() {
    }

    static Verdict of(Optional<DaemonState> state, Path file, boolean running, Instant now) {
        if (state.isEmpty()) {
            return new Verdict(2, "CRITICAL: no state in " + file + "; the daemon has not run");
        }
        DaemonState s = state.get();
        if (!running) {
            return new Verdict(2, "CRITICAL: noxus-secrets-agent is not running (" + (s.stoppedAt() == null
                    ? "pid " + s.pid() + " is gone" : "stopped " + StatusCommand.ago(s.stoppedAt(), now)) + ")");
        }
        List<String> problems = new ArrayList<>();
        s.outputs().forEach((path, o) -> {
            if (!o.status().equals("ok")) {
                problems.add(o.name() + " " + o.status() + Optional.ofNullable(o.notOkSince())
                        .flatMap(since -> Ages.since(since, now)).map(d -> " for " + Ages.text(d)).orElse(""));
            }
        });
        s.backends().forEach((name, b) -> {
            if (b.failingSince() != null) {
                problems.add("backend " + name + " failing for " + Ages.since(b.failingSince(), now).map(Ages::text)
                        .orElse("?"));
            }
        });
        if (!s.ready()) {
            problems.add("not ready yet");
        }
        if (s.status() != null && s.status().contains("config reload rejected")) {
            problems.add("config reload rejected");
        }
        long ok = s.outputs().values().stream().filter(o -> o.status().equals("ok")).count();
        String counts = ok + "/" + s.outputs().size() + " outputs ok, last cycle " + StatusCommand.ago(s.lastCycleAt(),
                now).replaceAll(" \\(.*\\)", "");
        return problems.isEmpty() ? new Verdict(0, "OK: " + counts)
                : new Verdict(1, "WARNING: " + String.join(", ", problems) + "; " + counts);
    }
}
