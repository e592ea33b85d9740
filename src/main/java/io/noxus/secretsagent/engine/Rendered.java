package io.noxus.secretsagent.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An output rendered in memory: its bytes, variable fingerprints and the references it was made from with their
 * documents' versions ({@code ""} where the backend has none), or the errors that stop it.
 */
record Rendered(Optional<byte[]> bytes, Map<String, String> variables, Map<String, String> references,
                List<String> errors) {
    static Rendered failed(List<String> errors) {
        return new Rendered(Optional.empty(), Map.of(), Map.of(), List.copyOf(errors));
    }
}
