package io.noxus.secretsagent.output;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.noxus.secretsagent.config.OutputFormat;
import io.noxus.secretsagent.config.OutputSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the agent remembers between runs, in its state folder: a per-host key ({@code host.key}, 0600) and, per
 * output path, keyed fingerprints of the file and of each variable ({@code outputs.json}). Nothing in it reveals a
 * value; it lets {@code --diff} name the variables that changed.
 */
public final class StateStore {
    /** Fingerprints of one output as last written: the whole file, and each variable by name. */
    public record OutputRecord(String file, Map<String, String> variables) {
        public OutputRecord {
            variables = new TreeMap<>(variables);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final TypeReference<TreeMap<String, OutputRecord>> RECORDS = new TypeReference<>() {
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
        Path file = dir.resolve("outputs.json");
        try {
            return JSON.readValue(AtomicWriter.current(file).orElse("{}".getBytes()), RECORDS);
        } catch (IOException e) {
            throw new OutputException(file, "the state file is damaged; delete it (the next render rebuilds it)");
        }
    }

    /** Saves the records, writing only when the bytes differ (under the render lock: also drops stale temp files). */
    public void save(Map<String, OutputRecord> records) {
        Path file = dir.resolve("outputs.json");
        writer.removeLeftovers(List.of(spec(file), spec(dir.resolve("host.key"))));
        try {
            byte[] bytes = JSON.writeValueAsBytes(new TreeMap<>(records));
            if (!AtomicWriter.current(file).map(old -> java.util.Arrays.equals(old, bytes)).orElse(false)) {
                writer.write(spec(file), bytes);
            }
        } catch (IOException e) {
            throw new OutputException(file, "cannot encode the state", e);
        }
    }

    private static OutputSpec spec(Path file) {
        return new OutputSpec("state_dir", file, OutputFormat.RAW, 0600, Optional.empty(), Optional.empty());
    }
}
