package io.noxus.secretsagent.daemon;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the daemon last did, in its runtime folder ({@code state.json}), for {@code status} and for operators.
 * Names, paths, references, times, keyed fingerprints (HMAC with the host key, from the state folder) and error
 * messages (which never carry values); nothing else.
 */
public record DaemonState(long pid, String startedAt, String lastCycleAt, long cycles, boolean ready, String status,
                          List<String> config, Map<String, Output> outputs, Map<String, Backend> backends,
                          Map<String, String> pendingActions, List<Acted> lastActions) {
    /** One output: its last successful render, last change, the references it uses and its keyed fingerprint. */
    public record Output(String name, String status, String lastSuccessAt, String lastChangeAt, String fingerprint,
                         Map<String, String> references, List<String> errors) {
    }

    /** One backend: when it last answered, its last error, and when it is asked next. */
    public record Backend(String lastSuccessAt, String failingSince, String lastError, int consecutiveTransientFailures,
                          String nextPollAt) {
    }

    /** One action taken. */
    public record Acted(String at, String service, String action, List<String> units, String outcome, String detail) {
    }

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Writes the state atomically (temp file + rename), mode 0640, creating the folder (0750) when missing. */
    public void save(Path file) throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        }
        Path tmp = Files.createTempFile(dir, ".state", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        try {
            Files.write(tmp, JSON.writeValueAsBytes(this));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static Optional<DaemonState> load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(file.toFile(), DaemonState.class));
    }
}
