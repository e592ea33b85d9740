package io.noxus.secretsagent.backend.file;

import com.fasterxml.jackson.databind.JsonNode;
import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.backend.SecretDocument;
import io.noxus.secretsagent.config.FileBackendSettings;
import io.noxus.secretsagent.config.StrictYaml;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.secret.SecretValue;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Secrets from a local YAML file: each top-level key is a secret, either a string or a mapping of field names to
 * strings. The file is read once per fetch, as one plain YAML document within {@link StrictYaml}'s limits (no
 * anchors or aliases, no second document, at most 64 MiB and 64 levels deep). Numbers and booleans are refused (quote
 * them), so that YAML never silently rewrites a value ({@code 0123}, {@code yes}, {@code 1e3}).
 */
public final class FileBackend implements SecretBackend {
    private final FileBackendSettings settings;
    private final AtomicLong reads = new AtomicLong();

    public FileBackend(FileBackendSettings settings) {
        this.settings = settings;
    }

    @Override
    public Map<Reference, Fetched> fetch(Set<Reference> documents) {
        JsonNode root;
        reads.incrementAndGet();
        try {
            root = StrictYaml.read(settings.path());
        } catch (StrictYaml.Problem e) {
            return allFailed(documents, "the secrets file " + settings.path() + ": " + e.located());
        } catch (IOException e) {
            return allFailed(documents, "cannot read the secrets file " + settings.path() + " ("
                    + e.getClass().getSimpleName() + "); check that it exists and is readable");
        }
        Map<Reference, Fetched> out = new LinkedHashMap<>();
        for (Reference ref : documents) {
            try {
                out.put(ref, Fetched.of(document(ref, root == null ? null : root.get(ref.path()))));
            } catch (BackendException e) {
                out.put(ref, Fetched.failed(e));
            }
        }
        return out;
    }

    private static Map<Reference, Fetched> allFailed(Set<Reference> documents, String why) {
        Map<Reference, Fetched> out = new LinkedHashMap<>();
        documents.forEach(ref -> out.put(ref, Fetched.failed(new BackendException(ref, false, why))));
        return out;
    }

    /** Reads of the secrets file so far (one per fetch). */
    @Override
    public long requests() {
        return reads.get();
    }

    private SecretDocument document(Reference ref, JsonNode node) {
        if (node == null || node.isNull()) {
            throw new BackendException(ref, false, "no key '" + ref.path() + "' in the secrets file "
                    + settings.path() + "; add it or fix the reference");
        }
        if (node.isTextual()) {
            return new SecretDocument(Optional.of(text(ref, ref.path(), node)), Map.of(), Optional.empty());
        }
        if (node.isObject()) {
            Map<String, SecretValue> fields = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) {
                    throw notText(ref, ref.path() + "." + e.getKey());
                }
                fields.put(e.getKey(), text(ref, ref.path() + "." + e.getKey(), e.getValue()));
            });
            return new SecretDocument(Optional.empty(), fields, Optional.empty());
        }
        throw notText(ref, ref.path());
    }

    private SecretValue text(Reference ref, String key, JsonNode node) {
        try {
            return SecretValue.of(node.textValue());
        } catch (IllegalArgumentException e) {
            throw new BackendException(ref, false, "key " + key + " in " + settings.path() + ": " + e.getMessage());
        }
    }

    private BackendException notText(Reference ref, String key) {
        return new BackendException(ref, false, "key " + key + " in the secrets file " + settings.path()
                + " must be a string (quote numbers and booleans) or a mapping of strings");
    }
}
