package io.noxus.secretsagent.output;

import com.fasterxml.jackson.core.type.TypeReference;
import io.noxus.secretsagent.config.OutputFormat;
import io.noxus.secretsagent.config.OutputSpec;
import io.noxus.secretsagent.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the agent remembers between runs, in its state folder: a per-host key ({@code host.key}, 0600); per output
 * path, keyed fingerprints of the file and of each variable ({@code outputs.json}); and the content a rollback
 * rejected, held back from every later render until it changes ({@code held.json}). Nothing in it reveals a value;
 * it lets {@code --diff} name the variables that changed.
 */
public final class StateStore {
    /** Fingerprints of one output as last written: the whole file, and each variable by name. */
    public record OutputRecord(String file, Map<String, String> variables) {
        public OutputRecord {
            variables = new TreeMap<>(variables);
        }
    }

    /**
     * Content held back at one output path: the keyed fingerprint of the bytes a rollback rejected, the service
     * whose units failed with them, and when.
     */
    public record Hold(String fingerprint, String service, String since) {
    }

    private static final TypeReference<TreeMap<String, OutputRecord>> RECORDS = new TypeReference<>() {
    };
    private static final TypeReference<TreeMap<String, Hold>> HOLDS = new TypeReference<>() {
    };
    private final Path dir;
    private final AtomicWriter writer;

    public StateStore(Path dir) {
        this.dir = dir;
        this.writer = new AtomicWriter(List.of(dir));
    }

    /** The host key; created on first use unless {@code readOnly}, when a missing key gives a throw-away one. */
    public Fingerprinter fingerprinter(boolean readOnly) {
        Path keyFile = dir.resolve("host.key");
        Optional<byte[]> key = AtomicWriter.current(keyFile);
        if (key.isPresent() && key.get().length >= 32) {
            return new Fingerprinter(key.get());
        }
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        if (!readOnly) {
            writer.write(spec(keyFile), fresh);
        }
        return new Fingerprinter(fresh);
    }

    public Map<String, OutputRecord> load() {
        return read("outputs.json", RECORDS);
    }

    /** Saves the records, writing only when the bytes differ (under the render lock: also drops stale temp files). */
    public void save(Map<String, OutputRecord> records) {
        writer.removeLeftovers(List.of(spec(dir.resolve("outputs.json")), spec(dir.resolve("host.key")),
                spec(dir.resolve("held.json"))));
        write("outputs.json", new TreeMap<>(records));
    }

    /** Content held back, by output path. */
    public Map<String, Hold> holds() {
        return read("held.json", HOLDS);
    }

    public void saveHolds(Map<String, Hold> holds) {
        write("held.json", new TreeMap<>(holds));
    }

    private <T> T read(String name, TypeReference<T> type) {
        Path file = dir.resolve(name);
        try {
            return Json.MAPPER.readValue(AtomicWriter.current(file).orElse("{}".getBytes(StandardCharsets.UTF_8)),
                    type);
        } catch (IOException e) {
            throw new OutputException(file, "the state file is damaged; delete it (the next render rebuilds it)");
        }
    }

    private void write(String name, Object value) {
        Path file = dir.resolve(name);
        byte[] bytes = Json.prettyBytes(value);
        if (!AtomicWriter.current(file).map(old -> Arrays.equals(old, bytes)).orElse(false)) {
            writer.write(spec(file), bytes);
        }
    }

    private static OutputSpec spec(Path file) {
        return new OutputSpec("state_dir", file, OutputFormat.RAW, 0600, Optional.empty(), Optional.empty());
    }
}
