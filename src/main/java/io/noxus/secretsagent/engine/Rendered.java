package io.noxus.secretsagent.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An output rendered in memory: its bytes and variable fingerprints, or the errors that stop it. */
record Rendered(Optional<byte[]> bytes, Map<String, String> variables, List<String> errors) {
    static Rendered failed(List<String> errors) {
        return new Rendered(Optional.empty(), Map.of(), List.copyOf(errors));
    }
}
