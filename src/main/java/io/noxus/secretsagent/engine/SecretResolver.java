package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.backend.SecretDocument;
import io.noxus.secretsagent.config.EnvName;
import io.noxus.secretsagent.config.Mapping;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.secret.SecretValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Fetches each needed document once per backend (one call per backend) and expands mappings into variables. */
final class SecretResolver {
    private final Map<String, SecretBackend> backends;
    private final Map<Reference, Fetched> fetched = new HashMap<>();

    SecretResolver(Map<String, SecretBackend> backends) {
        this.backends = backends;
    }

    /** Fetches every document these references live in. */
    void fetch(Collection<Reference> refs) {
        Map<String, Set<Reference>> perBackend = refs.stream().map(Reference::document)
                .filter(doc -> !fetched.containsKey(doc))
                .collect(Collectors.groupingBy(Reference::backend, TreeMap::new,
                        Collectors.toCollection(LinkedHashSet::new)));
        perBackend.forEach((name, docs) -> {
            Map<Reference, Fetched> answers = backends.get(name).fetch(docs);
            for (Reference doc : docs) {
                fetched.put(doc, answers.getOrDefault(doc, Fetched.failed(
                        new BackendException(doc, true, "the backend gave no answer for this secret"))));
            }
        });
    }

    /** The value a reference names, from what was fetched. */
    SecretValue value(Reference ref) {
        return document(ref).value(ref);
    }

    /** The backend's version of the document a fetched reference lives in, when it has versions. */
    Optional<String> version(Reference ref) {
        return document(ref).version();
    }

    Resolved expand(List<Mapping> mappings) {
        List<Binding> bindings = new ArrayList<>();
        Map<Mapping, String> failedBulk = new LinkedHashMap<>();
        for (Mapping mapping : mappings) {
            if (!mapping.bulk()) {
                String name = mapping.env().orElseThrow();
                try {
                    bindings.add(new Binding.Bound(name, mapping, mapping.ref(), value(mapping.ref()),
                            version(mapping.ref())));
                } catch (BackendException e) {
                    bindings.add(new Binding.Unbound(name, mapping, e.getMessage()));
                }
                continue;
            }
            try {
                bindings.addAll(bulk(mapping, document(mapping.ref())));
            } catch (BackendException e) {
                failedBulk.put(mapping, e.getMessage());
            }
        }
        return new Resolved(bindings, failedBulk);
    }

    private List<Binding> bulk(Mapping mapping, SecretDocument doc) {
        if (doc.fields().isEmpty()) {
            throw new BackendException(mapping.ref(), false, "a bulk mapping needs a secret with fields, and this one "
                    + "is a single value (" + mapping.location() + ")");
        }
        List<Binding> out = new ArrayList<>();
        new TreeMap<>(doc.fields()).forEach((field, value) -> {
            String name = mapping.prefix() + mapping.transform().apply(field);
            EnvName.refusedFromBackend(name).ifPresent(why -> {
                throw new BackendException(mapping.ref(), false, "field '" + field + "' gives the variable name '"
                        + name + "', " + why + " (" + mapping.location() + ")");
            });
            out.add(new Binding.Bound(name, mapping, fieldOf(mapping.ref(), field), value, doc.version()));
        });
        return out;
    }

    /** The reference to one field of a bulk mapping's secret; a field no reference can name fails the mapping. */
    private static Reference fieldOf(Reference doc, String field) {
        try {
            return new Reference(doc.backend(), doc.path(), Optional.of(field));
        } catch (IllegalArgumentException e) {
            throw new BackendException(doc, false, "field '" + field + "' cannot be named by a reference (it holds "
                    + "'#' or white space)");
        }
    }

    /** The document a fetched reference lives in, or its failure (thrown). */
    SecretDocument document(Reference ref) {
        Fetched answer = fetched.get(ref.document());
        if (answer == null) {
            throw new IllegalStateException("not fetched: " + ref.document());
        }
        if (answer instanceof Fetched.Failed failed) {
            throw failed.failure();
        }
        return ((Fetched.Found) answer).document();
    }
}
