package io.noxus.secretsagent.backend;

import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.secret.SecretValue;
import java.util.Map;
import java.util.Optional;

/**
 * What a backend holds at one path: a whole value (a plain string secret), named fields (a Vault path, a JSON
 * secret, a map in the local file), or both (a JSON string is also a whole value). {@code version} is the backend's
 * own version marker when it has one.
 */
public record SecretDocument(Optional<SecretValue> whole, Map<String, SecretValue> fields, Optional<String> version) {
    public SecretDocument {
        fields = Map.copyOf(fields);
    }

    /** The value a reference names, or a permanent failure that names the reference. */
    public SecretValue value(Reference ref) {
        if (ref.field().isPresent()) {
            SecretValue value = fields.get(ref.field().get());
            if (value == null) {
                throw new BackendException(ref, false, fields.isEmpty()
                        ? "the secret is a single value, not a set of fields; drop the #field part"
                        : "the secret has no field '" + ref.field().get() + "'; fields present: "
                                + String.join(", ", fields.keySet().stream().sorted().toList()));
            }
            return value;
        }
        return whole.orElseThrow(() -> new BackendException(ref, false,
                "the secret is a set of fields; name one with #field, or use a bulk mapping"));
    }
}
