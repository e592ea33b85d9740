package io.noxus.secretsagent.backend;

import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.secret.SecretValue;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a backend holds at one path: a whole value (a plain string secret), named fields (a Vault path, a JSON
 * secret, a map in the local file), or both (a JSON string is also a whole value). {@code version} is the backend's
 * own version marker when it has one; {@code setAt} is when the backend says that version was set (KV v2
 * {@code created_time}, AWS {@code CreatedDate}, Azure Key Vault's {@code attributes.created}), empty where the
 * backend does not say (KV v1, the file backend): never a guess. {@code expiresAt} is an expiry the value carries
 * (Azure Key Vault's {@code exp}, which the agent enforces); none of the other backends has one.
 */
public record SecretDocument(Optional<SecretValue> whole, Map<String, SecretValue> fields, Optional<String> version,
                             Optional<Instant> setAt, Optional<Instant> expiresAt) {
    public SecretDocument {
        fields = Map.copyOf(fields);
    }

    /** A document whose backend does not say when its value was set. */
    public SecretDocument(Optional<SecretValue> whole, Map<String, SecretValue> fields, Optional<String> version) {
        this(whole, fields, version, Optional.empty(), Optional.empty());
    }

    /** A document whose backend says when its value was set, and has no expiry. */
    public SecretDocument(Optional<SecretValue> whole, Map<String, SecretValue> fields, Optional<String> version,
                          Optional<Instant> setAt) {
        this(whole, fields, version, setAt, Optional.empty());
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
