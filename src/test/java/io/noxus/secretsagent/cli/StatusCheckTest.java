package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.daemon.DaemonState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusCheckTest {
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final Path FILE = Path.of("/var/lib/noxus-secrets-agent/daemon.json");

    static DaemonState state(String stoppedAt, boolean ready, Map<String, DaemonState.Output> outputs,
                             Map<String, DaemonState.Backend> backends) {
        return new DaemonState(42, "2025-06-01T08:00:00Z", stoppedAt, "2025-06-01T11:59:30Z", 100, ready, "line",
                List.of(), outputs, backends, Map.of(), List.of());
    }

    static DaemonState.Output output(String name, String status, String notOkSince) {
        return new DaemonState.Output(name, status, "2025-06-01T09:00:00Z", null, notOkSince, null, Map.of(),
                List.of());
    }

    @Test
    void everyOutputCurrentIsOk() {
        var v = StatusCheck.of(Optional.of(state(null, true, Map.of("/o/a.env", output("a", "ok", null)), Map.of())),
                FILE, true, NOW);
        assertThat(v.code()).isZero();
        assertThat(v.line()).isEqualTo("OK: 1/1 outputs ok, last cycle 30 s ago");
    }

    @Test
    void aStaleOutputIsAWarningWithItsAge() {
        var v = StatusCheck.of(Optional.of(state(null, true, Map.of("/o/a.env", output("a", "stale",
                "2025-06-01T09:00:00Z")), Map.of("vault", new DaemonState.Backend(null, "2025-06-01T09:00:00Z",
                "sealed", 3, "2025-06-01T12:01:00Z")))), FILE, true, NOW);
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.line()).isEqualTo("WARNING: a stale for 3 h, backend vault failing for 3 h; 0/1 outputs ok, "
                + "last cycle 30 s ago");
        assertThat(v.line()).doesNotContain("\n");
    }

    @Test
    void aRecordedStopOrAVanishedPidIsCritical() {
        var stopped = StatusCheck.of(Optional.of(state("2025-06-01T11:00:00Z", true, Map.of(), Map.of())), FILE,
                false, NOW);
        assertThat(stopped.code()).isEqualTo(2);
        assertThat(stopped.line()).startsWith("CRITICAL: noxus-secrets-agent is not running (stopped 60 min ago");
        var gone = StatusCheck.of(Optional.of(state(null, true, Map.of(), Map.of())), FILE, false, NOW);
        assertThat(gone.line()).isEqualTo("CRITICAL: noxus-secrets-agent is not running (pid 42 is gone)");
        assertThat(StatusCheck.of(Optional.empty(), FILE, false, NOW).code()).isEqualTo(2);
    }

    @Test
    void theStateFolderIsReadFromABrokenConfigWithoutValidatingIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        Path config = dir.resolve("config.yaml");
        java.nio.file.Files.writeString(config, "state_dir: state\nservices: {broken: [\n");
        assertThat(StatusCommand.stateDirOf(config)).isEqualTo(StatusCommand.DEFAULT_STATE_DIR);
        java.nio.file.Files.writeString(config, "state_dir: state\nservices: {a: {role: nope}}\n");
        assertThat(StatusCommand.stateDirOf(config)).isEqualTo(dir.resolve("state"));
        assertThat(StatusCommand.stateDirOf(dir.resolve("missing.yaml"))).isEqualTo(StatusCommand.DEFAULT_STATE_DIR);
    }
}
