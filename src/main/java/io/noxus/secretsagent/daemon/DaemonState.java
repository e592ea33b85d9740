package io.noxus.secretsagent.daemon;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.noxus.secretsagent.config.OutputFormat;
import io.noxus.secretsagent.config.OutputSpec;
import io.noxus.secretsagent.json.Json;
import io.noxus.secretsagent.output.AtomicWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the daemon last did, in its state folder ({@code daemon.json}), for {@code status} and for operators.
 * Names, paths, references, times, keyed fingerprints (HMAC with the host key, from the state folder) and error
 * messages (which never carry values); nothing else.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DaemonState(long pid, String startedAt, String stoppedAt, String lastCycleAt, long cycles, boolean ready,
                          String status,
                          List<String> config, Map<String, Output> outputs, Map<String, Backend> backends,
                          Map<String, String> pendingActions, List<Acted> lastActions) {
    /**
     * One output: its last successful render, last change, since when it is not ok (stale or held; null when ok), the
     * references it uses and its keyed fingerprint.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(String name, String status, String lastSuccessAt, String lastChangeAt, String notOkSince,
                         String fingerprint,
                         Map<String, String> references, List<String> errors) {
    }

    /** One backend: when it last answered, its last error, and when it is asked next. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Backend(String lastSuccessAt, String failingSince, String lastError, int consecutiveTransientFailures,
                          String nextPollAt) {
    }

    /** One action taken. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Acted(String at, String service, String action, List<String> units, String outcome, String detail) {
    }

    /** Writes the state through the atomic writer (mode 0640), creating the folder (0750) when missing. */
    public void save(Path file) throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        }
        new AtomicWriter(List.of(dir)).write(new OutputSpec("state_dir", file, OutputFormat.RAW, 0640,
                Optional.empty(), Optional.empty()), Json.prettyBytes(this));
    }

    /** Where the daemon keeps it: in the state folder, so it outlives a stop and a reboot. */
    public static Path fileIn(Path stateDir) {
        return stateDir.resolve("daemon.json");
    }

    public static Optional<DaemonState> load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(Json.MAPPER.readValue(file.toFile(), DaemonState.class));
    }
}
