package io.noxus.secretsagent.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noxus.secretsagent.config.OutputFormat;
import io.noxus.secretsagent.config.OutputSpec;
import io.noxus.secretsagent.json.JsonTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

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
        return read("outputs.json", StateStore::outputRecord);
    }

    /** Saves the records, writing only when the bytes differ (under the render lock: also drops stale temp files). */
    public void save(Map<String, OutputRecord> records) {
        writer.removeLeftovers(List.of(spec(dir.resolve("outputs.json")), spec(dir.resolve("host.key")),
                spec(dir.resolve("held.json"))));
        write("outputs.json", new TreeMap<>(records), StateStore::tree);
    }

    /** Content held back, by output path. */
    public Map<String, Hold> holds() {
        return read("held.json", StateStore::hold);
    }

    public void saveHolds(Map<String, Hold> holds) {
        write("held.json", new TreeMap<>(holds), StateStore::tree);
    }

    /* The state files are read and written as JSON trees (JsonTree), not bound by an ObjectMapper: the same bytes a
       mapper wrote (StateStoreTest compares them), without a mapper's start-up on the one-shot path. A file of another
       shape, an unknown key included, is damaged, as it was for the mapper. */
    private <T> Map<String, T> read(String name, Function<JsonNode, T> entry) {
        Path file = dir.resolve(name);
        try {
            return entries(JsonTree.read(AtomicWriter.current(file).orElse("{}".getBytes(StandardCharsets.UTF_8))),
                    entry);
        } catch (IOException | IllegalArgumentException e) {
            throw new OutputException(file, "the state file is damaged; delete it (the next render rebuilds it)");
        }
    }

    private <T> void write(String name, Map<String, T> entries, Function<T, ObjectNode> entry) {
        Path file = dir.resolve(name);
        ObjectNode tree = JsonTree.object();
        entries.forEach((key, value) -> tree.set(key, entry.apply(value)));
        byte[] bytes = JsonTree.prettyBytes(tree);
        if (!AtomicWriter.current(file).map(old -> Arrays.equals(old, bytes)).orElse(false)) {
            writer.write(spec(file), bytes);
        }
    }

    private static OutputRecord outputRecord(JsonNode node) {
        fields(node, "file", "variables");
        return new OutputRecord(text(node.get("file")), entries(node.get("variables"), StateStore::text));
    }

    /** An object's entries in key order, each value read by {@code value}. */
    private static <T> Map<String, T> entries(JsonNode object, Function<JsonNode, T> value) {
        if (object == null || !object.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        Map<String, T> entries = new TreeMap<>();
        object.fields().forEachRemaining(e -> entries.put(e.getKey(), value.apply(e.getValue())));
        return entries;
    }

    private static Hold hold(JsonNode node) {
        fields(node, "fingerprint", "service", "since");
        return new Hold(text(node.get("fingerprint")), text(node.get("service")), text(node.get("since")));
    }

    private static ObjectNode tree(OutputRecord record) {
        ObjectNode node = JsonTree.object();
        node.put("file", record.file());
        ObjectNode variables = node.putObject("variables");
        record.variables().forEach(variables::put);
        return node;
    }

    private static ObjectNode tree(Hold hold) {
        ObjectNode node = JsonTree.object();
        node.put("fingerprint", hold.fingerprint());
        node.put("service", hold.service());
        node.put("since", hold.since());
        return node;
    }

    /** An object with no key but these. */
    private static void fields(JsonNode node, String... known) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            if (!List.of(known).contains(it.next())) {
                throw new IllegalArgumentException("unknown key");
            }
        }
    }

    /** A string or null (absent or JSON null). */
    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException("not a string");
        }
        return node.textValue();
    }

    private static OutputSpec spec(Path file) {
        return new OutputSpec("state_dir", file, OutputFormat.RAW, 0600, Optional.empty(), Optional.empty());
    }
}
