package io.noxus.secretsagent.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The audit trail: one JSON object per line (to stdout, i.e. the journal, with {@code SYSLOG_IDENTIFIER} of the unit).
 * Events: {@code output_changed} (output, path, status, variables added/removed/changed by name, references, the
 * action it calls for and when it is due), {@code action} (service, action, units, outcome, detail, outputs) and
 * {@code config_reload} (applied or rejected, why). Names only: never a value.
 */
final class Audit {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Consumer<String> sink;

    Audit(Consumer<String> sink) {
        this.sink = sink;
    }

    ObjectNode event(String type, Instant at) {
        ObjectNode node = JSON.createObjectNode();
        node.put("audit", "noxus-secrets-agent");
        node.put("ts", at.toString());
        node.put("event", type);
        return node;
    }

    ObjectNode node() {
        return JSON.createObjectNode();
    }

    <T> com.fasterxml.jackson.databind.JsonNode tree(T value) {
        return JSON.valueToTree(value);
    }

    void emit(ObjectNode event) {
        try {
            sink.accept(JSON.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode an audit event", e);
        }
    }
}
