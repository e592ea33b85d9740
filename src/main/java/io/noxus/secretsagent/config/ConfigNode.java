package io.noxus.secretsagent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A YAML node that knows where it stands (file and key path), so every error can say exactly which key is wrong.
 * Readers declare the keys they accept; anything else is rejected.
 */
final class ConfigNode {
    private final Path file;
    private final Path baseDir;
    private final String path;
    private final JsonNode node;

    ConfigNode(Path file, Path baseDir, String path, JsonNode node) {
        this.file = file;
        this.baseDir = baseDir;
        this.path = path;
        this.node = node;
    }

    Path file() {
        return file;
    }

    /** A path named in the config: relative ones are resolved against the main config file's folder. */
    Path resolvePath() {
        return baseDir.resolve(text()).normalize();
    }

    String path() {
        return path;
    }

    ConfigException error(String problem) {
        return new ConfigException(file, path, problem);
    }

    /** Rejects any key not in {@code allowed}; the node must be a mapping. */
    ConfigNode onlyKeys(String... allowed) {
        requireMap();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Arrays.asList(allowed).contains(key)) { // a handful of keys: a scan costs less than a set
                throw child(key).error("unknown key; expected one of " + String.join(", ", new TreeSet<>(
                        List.of(allowed))) + ". Remove it or fix its spelling");
            }
        }
        return this;
    }

    boolean has(String key) {
        return node.isObject() && node.has(key) && !node.get(key).isNull();
    }

    ConfigNode child(String key) {
        String childPath = path.isEmpty() ? key : path + "." + key;
        return new ConfigNode(file, baseDir, childPath, node.isObject() ? node.get(key) : null);
    }

    ConfigNode required(String key) {
        if (!has(key)) {
            throw child(key).error("missing required key");
        }
        return child(key);
    }

    Optional<ConfigNode> optional(String key) {
        return has(key) ? Optional.of(child(key)) : Optional.empty();
    }

    String text() {
        if (node == null || !node.isTextual()) {
            throw error("expected a string" + actual());
        }
        if (node.asText().isEmpty()) {
            throw error("must not be empty");
        }
        return node.asText();
    }

    int positiveInt() {
        if (node == null || !node.canConvertToExactIntegral() || node.asInt() <= 0) {
            throw error("expected a whole number above zero" + actual());
        }
        return node.asInt();
    }

    int nonNegativeInt() {
        if (node == null || !node.canConvertToExactIntegral() || node.asInt() < 0) {
            throw error("expected a whole number, zero or more" + actual());
        }
        return node.asInt();
    }

    /** A number from 0 to 1 (e.g. a jitter fraction). */
    double fraction() {
        if (node == null || !node.isNumber() || node.asDouble() < 0 || node.asDouble() > 1) {
            throw error("expected a number from 0 to 1" + actual());
        }
        return node.asDouble();
    }

    boolean bool() {
        if (node == null || !node.isBoolean()) {
            throw error("expected true or false" + actual());
        }
        return node.asBoolean();
    }

    String requiredText(String key) {
        return required(key).text();
    }

    Optional<String> optionalText(String key) {
        return optional(key).map(ConfigNode::text);
    }

    List<ConfigNode> list() {
        if (node == null || !node.isArray()) {
            throw error("expected a list" + actual());
        }
        List<ConfigNode> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            items.add(new ConfigNode(file, baseDir, path + "[" + i + "]", node.get(i)));
        }
        return items;
    }

    List<String> textList() {
        return list().stream().map(ConfigNode::text).toList();
    }

    /** The entries of a mapping, in file order. */
    Map<String, ConfigNode> entries() {
        requireMap();
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        node.fieldNames().forEachRemaining(key -> out.put(key, child(key)));
        return out;
    }

    private void requireMap() {
        if (node == null || !node.isObject()) {
            throw error("expected a mapping of keys to values" + actual());
        }
    }

    /** The YAML type found, never the content: config values are names, but we keep the habit. */
    private String actual() {
        if (node == null || node.isNull()) {
            return ", found nothing";
        }
        return ", found a " + (node.isArray() ? "list" : node.isObject() ? "mapping" : node.isNumber() ? "number"
                : node.isBoolean() ? "boolean" : "value of another type");
    }
}
