package io.noxus.secretsagent.backend.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.ConcurrentReads;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.backend.RetryAfter;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.backend.SecretDocument;
import io.noxus.secretsagent.config.VaultBackendSettings;
import io.noxus.secretsagent.json.JsonTree;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.secret.SecretValue;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Secrets from KV v1 and v2 mounts of a Vault or OpenBao server. Lives as long as the process and keeps what it read:
 * on a later fetch a KV v2 secret costs one metadata read, and its data is read again only when {@code
 * current_version} moved; a pinned version already held costs nothing; KV v1 has no versions and is read each time.
 * The reads of one fetch go out {@code max_concurrent_reads} at a time ({@link ConcurrentReads}) with the token the
 * fetch got first; a 429 stops further reads of that fetch (docs/daemon.md, "Poll period and concurrent reads").
 */
public final class VaultBackend implements SecretBackend {
    private final VaultBackendSettings settings;
    private final VaultHttp http;
    private final VaultSession session;
    private final Clock clock;
    private final KvMounts mounts;
    private final ConcurrentReads reads;
    private final Map<String, SecretDocument> held = new ConcurrentHashMap<>();
    /** KV v2 paths whose metadata the token may not read: their data is read every time instead. */
    private final Set<String> noMetadata = ConcurrentHashMap.newKeySet();

    public VaultBackend(VaultBackendSettings settings, Clock clock, Function<String, String> environment) {
        this(settings, clock, environment, ConcurrentReads.threads("read-" + settings.name()));
    }

    public VaultBackend(VaultBackendSettings settings, Clock clock, Function<String, String> environment,
                        ConcurrentReads reads) {
        this.settings = settings;
        this.reads = reads;
        this.http = new VaultHttp(settings);
        this.session = new VaultSession(http, Logins.of(settings.auth(), environment), clock);
        this.clock = clock;
        this.mounts = new KvMounts(settings.kvVersions());
    }

    /** HTTP requests sent to the server so far by this backend. */
    @Override
    public long requests() {
        return http.requests();
    }

    @Override
    public long throttles() {
        return http.throttles();
    }

    @Override
    public Map<Reference, Fetched> fetch(Set<Reference> documents) {
        Map<Reference, Fetched> out = new LinkedHashMap<>();
        String token;
        try {
            token = session.token();
        } catch (VaultCallException e) {
            documents.forEach(ref -> out.put(ref, failed(ref, e, "cannot get a token: ")));
            return out;
        }
        List<Reference> denied = readAll(documents, token, out);
        if (!denied.isEmpty() && !session.stillValid()) {
            // The token was revoked or expired behind our back: log in again once and re-ask the denied ones.
            try {
                readAll(denied, session.token(), out);
            } catch (VaultCallException e) {
                denied.forEach(ref -> out.put(ref, failed(ref, e, "cannot get a token: ")));
            }
        }
        return out;
    }

    /**
     * Reads each document into {@code out}, {@code max_concurrent_reads} at a time; after a 429 the documents not
     * read yet answer "not asked" with the server's wait. Returns those that were denied.
     */
    private List<Reference> readAll(Collection<Reference> documents, String token, Map<Reference, Fetched> out) {
        Queue<Reference> denied = new ConcurrentLinkedQueue<>();
        out.putAll(reads.read(List.copyOf(documents), settings.maxConcurrentReads(), ref -> readOne(ref, token, denied),
                Fetched::throttled, (ref, by) -> Fetched.notAsked(ref, "backend " + settings.name() + " ("
                        + http.address() + "): not asked in this poll: the server throttled another read (HTTP 429)",
                        by)));
        return List.copyOf(denied);
    }

    private Fetched readOne(Reference ref, String token, Queue<Reference> denied) {
        try {
            return Fetched.of(read(ref, token));
        } catch (VaultCallException e) {
            if (e.kind() == VaultCallException.Kind.DENIED) {
                denied.add(ref);
            }
            return failed(ref, e, "");
        } catch (BackendException e) {
            return Fetched.failed(e);
        }
    }

    private SecretDocument read(Reference ref, String token) {
        KvPath kv = KvPath.parse(ref.path()).orElseThrow(() -> new BackendException(ref, false, "backend "
                + settings.name() + ": expected <mount>/<path>, optionally ending in ?version=N (KV v2)"));
        KvMounts.Mount mount = mounts.resolve(kv.path(), http, token);
        String inside = mount.inside(kv.path()).orElseThrow(() -> new BackendException(ref, false, "backend "
                + settings.name() + ": " + kv.path() + " is the mount itself; name a secret under it"));
        if (mount.version() == 1) {
            if (kv.version().isPresent()) {
                throw new BackendException(ref, false, "backend " + settings.name() + ": mount " + mount.path()
                        + "/ is KV v1, which has no versions; drop ?version=");
            }
            return document(ref, http.get(mount.path() + "/" + inside, token).path("data"), Optional.empty(),
                    Optional.empty()); // KV v1 keeps no time
        }
        return readV2(ref, mount, inside, kv.version(), token);
    }

    private SecretDocument readV2(Reference ref, KvMounts.Mount mount, String inside, OptionalInt pin, String token) {
        String key = ref.path();
        SecretDocument kept = held.get(key);
        String dataPath = mount.path() + "/data/" + inside;
        if (pin.isPresent()) {
            if (kept == null) {
                kept = dataAt(ref, dataPath + "?version=" + pin.getAsInt(), token);
                held.put(key, kept);
            }
            return kept;
        }
        if (kept != null && !noMetadata.contains(key)) {
            try {
                JsonNode meta = http.get(mount.path() + "/metadata/" + inside, token).path("data");
                String current = meta.path("current_version").asText("");
                JsonNode state = meta.path("versions").path(current);
                if (current.equals(kept.version().orElse(null)) && state.path("deletion_time").asText("").isEmpty()
                        && !state.path("destroyed").asBoolean(false)) {
                    return kept; // same version, still there: nothing to read
                }
            } catch (VaultCallException e) {
                if (e.kind() != VaultCallException.Kind.DENIED) {
                    throw e;
                }
                noMetadata.add(key); // data access without metadata access: read the data each time
            }
        }
        SecretDocument fresh = dataAt(ref, dataPath, token);
        held.put(key, fresh);
        return fresh;
    }

    private SecretDocument dataAt(Reference ref, String apiPath, String token) {
        JsonNode answer = http.get(apiPath, token);
        JsonNode data = answer.path("data");
        if (!data.path("data").isObject()) {
            throw VaultCallException.deletedVersion(apiPath, answer).orElseGet(() -> new VaultCallException(
                    VaultCallException.Kind.NOT_FOUND, apiPath, "the version at " + apiPath + " is deleted or destroyed"));
        }
        JsonNode metadata = data.path("metadata");
        String version = metadata.path("version").asText("");
        return document(ref, data.path("data"), version.isEmpty() ? Optional.empty() : Optional.of(version),
                createdTime(metadata));
    }

    /** Every field becomes a value: strings as they are, other JSON as its JSON text (what {@code bao kv get} prints). */
    /** The version's {@code created_time}, as the server gives it with the data (no extra request). */
    private static Optional<Instant> createdTime(JsonNode metadata) {
        String text = metadata.path("created_time").asText("");
        try {
            return text.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private SecretDocument document(Reference ref, JsonNode data, Optional<String> version, Optional<Instant> setAt) {
        if (!data.isObject()) {
            throw new VaultCallException(VaultCallException.Kind.MALFORMED, ref.path(), "the answer for "
                    + ref.path() + " has no data object");
        }
        Map<String, SecretValue> fields = new LinkedHashMap<>();
        data.properties().forEach(e -> {
            JsonNode value = e.getValue();
            if (!value.isNull()) {
                try {
                    fields.put(e.getKey(), SecretValue.of(value.isTextual() ? value.textValue() : JsonTree.text(value)));
                } catch (IllegalArgumentException bad) {
                    throw new BackendException(ref, false, "backend " + settings.name() + ": field " + e.getKey()
                            + ": " + bad.getMessage());
                }
            }
        });
        return new SecretDocument(Optional.empty(), fields, version, setAt);
    }

    private Fetched failed(Reference ref, VaultCallException e, String context) {
        String what = e.kind() == VaultCallException.Kind.NOT_FOUND
                ? "no such secret: " + e.getMessage() + "; check the path and the mount" : e.getMessage();
        String reason = "backend " + settings.name() + " (" + http.address() + "): " + context + what;
        Optional<java.time.Duration> wait = RetryAfter.parse(e.retryAfterHeader(), clock.instant());
        return Fetched.failed(e.kind() == VaultCallException.Kind.THROTTLED ? BackendException.throttled(ref, reason,
                wait) : new BackendException(ref, e.isTransient(), reason, wait));
    }

    /**
     * The narrowest ACL policy (HCL) for these documents; mounts not listed in {@code kv_versions} are asked of the
     * server with this backend's credentials (one request per mount).
     */
    public String policy(Map<Reference, List<String>> feeds) {
        try {
            String token = feeds.isEmpty() || mounts.covers(feeds.keySet()) ? "" : session.token();
            return VaultPolicy.hcl(settings.name(), feeds, path -> mounts.resolve(path, http, token));
        } catch (VaultCallException e) {
            throw new BackendException(feeds.keySet().iterator().next(), false, "backend " + settings.name() + " ("
                    + http.address() + "): cannot tell which KV mount (and version) holds a path: " + e.getMessage()
                    + "; list the mounts in kv_versions of the backend, or run with a token that can read them");
        }
    }

    @Override
    public void close() {
        held.clear();
    }
}
