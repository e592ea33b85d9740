package io.noxus.secretsagent.backend.azure;

import com.fasterxml.jackson.databind.JsonNode;
import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.ConcurrentReads;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.backend.RetryAfter;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.backend.SecretDocument;
import io.noxus.secretsagent.config.AzureBackendSettings;
import io.noxus.secretsagent.json.JsonTree;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.secret.SecretValue;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure Key Vault secrets, read with a thin client ({@link AzureHttp}). One attempt per call; the daemon owns
 * retries. The fewest calls: a secret fetched once is kept with its {@code attributes.updated}; on later cycles one
 * list request per 25 secrets of the vault tells which ones changed, and only those are fetched again (pinned
 * versions never change and are never fetched twice). Each document carries, for the rotation report, the version's
 * {@code attributes.created} (when its value was set: {@code updated} also moves when only attributes change) and
 * its {@code exp}, both from the get the agent already makes. The first vault request is answered with the vault's
 * challenge: its resource must be the vault's own domain (the request host ends with ".resource", port included),
 * so a token is only ever asked for the vault that is being read.
 */
public final class AzureKeyVaultBackend implements SecretBackend {
    static final String API_VERSION = "7.6";
    private static final Pattern RESOURCE = Pattern.compile("resource=\"([^\"]+)\"");

    private final AzureBackendSettings settings;
    private final Clock clock;
    private final AzureHttp http;
    private final Tokens tokens;
    private final String vault;
    private final ConcurrentReads reads;
    /** The vault's challenge resource, once a first request learnt it (before any concurrent read). */
    private volatile String resource;
    private boolean listAllowed = true;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    /** The gets of the running fetch by secret key: a secret two references need (a name and a bulk) is got once. */
    private final Map<String, CompletableFuture<Kept>> gotThisFetch = new ConcurrentHashMap<>();

    /** A fetched secret: its content, when it last changed, and until when it may be used. */
    private record Kept(SecretDocument document, long updated, Optional<Long> exp, Optional<Long> nbf) {
    }

    public AzureKeyVaultBackend(AzureBackendSettings settings, Clock clock) {
        this(settings, clock, name -> null);
    }

    /** @param environment the host's environment (Azure Arc's IDENTITY_ENDPOINT / IMDS_ENDPOINT) */
    public AzureKeyVaultBackend(AzureBackendSettings settings, Clock clock, Function<String, String> environment) {
        this(settings, clock, environment, ConcurrentReads.threads("read-" + settings.name()));
    }

    public AzureKeyVaultBackend(AzureBackendSettings settings, Clock clock, Function<String, String> environment,
                                ConcurrentReads reads) {
        this.settings = settings;
        this.reads = reads;
        this.clock = clock;
        this.http = new AzureHttp(settings);
        this.tokens = new Tokens(settings, http, clock, environment);
        this.vault = settings.vaultUrl().toString();
    }

    /** HTTP requests sent so far (vault, Entra and identity endpoint). */
    public long requests() {
        return http.requests();
    }

    @Override
    public synchronized Map<Reference, Fetched> fetch(Set<Reference> documents) {
        Map<Reference, Fetched> out = new LinkedHashMap<>();
        Map<Reference, SecretAddress> addresses = new LinkedHashMap<>();
        gotThisFetch.clear();
        for (Reference ref : documents) {
            Optional<SecretAddress> address = SecretAddress.parse(ref.path());
            if (address.isEmpty()) {
                out.put(ref, Fetched.failed(new BackendException(ref, false, SecretAddress.FORM_HELP)));
            } else {
                addresses.put(ref, address.get());
            }
        }
        boolean bulk = addresses.values().stream().anyMatch(SecretAddress::prefix);
        boolean keptLatest = addresses.values().stream()
                .anyMatch(a -> !a.prefix() && a.version().isEmpty() && kept.containsKey(a.key()));
        Optional<Map<String, Listed>> listed = Optional.empty();
        Optional<AzureCallException> listFailure = Optional.empty();
        if ((keptLatest && listAllowed) || bulk) {
            try {
                listed = list();
            } catch (AzureCallException e) {
                listFailure = Optional.of(e);
            }
        }
        Optional<Map<String, Listed>> list = listed;
        Optional<AzureCallException> listFailed = listFailure;
        List<Reference> refs = new ArrayList<>(addresses.keySet());
        if (resource == null && !refs.isEmpty()) {
            // the first vault request learns the challenge resource and gets the token: once, before the others
            Reference first = refs.remove(0);
            Fetched answer = read(first, addresses.get(first), list, listFailed);
            out.put(first, answer);
            if (answer.throttled()) {
                refs.forEach(ref -> out.put(ref, notAsked(ref, answer)));
                return out;
            }
        }
        out.putAll(reads.read(refs, settings.maxConcurrentReads(), ref -> read(ref, addresses.get(ref), list,
                listFailed), Fetched::throttled, this::notAsked));
        return out;
    }

    /** One reference's answer: a secret as it is now, or a bulk mapping from the list. */
    private Fetched read(Reference ref, SecretAddress address, Optional<Map<String, Listed>> listed,
                         Optional<AzureCallException> listFailure) {
        try {
            if (address.prefix()) {
                if (listFailure.isPresent()) {
                    throw listFailure.get();
                }
                return Fetched.of(bulk(ref, address, listed.orElseThrow(() -> new AzureCallException(false,
                        "vault " + vault + " does not let this identity list its secrets (403); a bulk mapping "
                        + "needs the list permission (Key Vault Secrets User has it)"))));
            }
            return Fetched.of(usable(ref, current(address, listed, listFailure)));
        } catch (AzureCallException e) {
            if (e.throttled()) {
                return Fetched.failed(BackendException.throttled(ref, e.getMessage(), e.retryAfter()));
            }
            kept.remove(address.key());
            return Fetched.failed(new BackendException(ref, e.isTransient(), e.getMessage(), e.retryAfter()));
        } catch (BackendException e) {
            return Fetched.failed(e);
        }
    }

    /** A reference not asked because the vault throttled another request of this fetch. */
    private Fetched notAsked(Reference ref, Fetched throttledBy) {
        return Fetched.notAsked(ref, "vault " + vault + ": not asked in this poll: the vault throttled another "
                + "request (HTTP 429)", throttledBy);
    }

    /** One secret as it is now: kept when the list says it has not changed (or it is a pinned version), else got. */
    private Kept current(SecretAddress address, Optional<Map<String, Listed>> listed,
                         Optional<AzureCallException> listFailure) {
        Kept have = kept.get(address.key());
        if (have != null && address.version().isEmpty()) {
            if (listFailure.isPresent()) {
                throw listFailure.get();
            }
            Listed now = listed.map(l -> l.get(address.key())).orElse(null);
            if (now == null || now.updated() != have.updated()) {
                have = null;
            }
        }
        Kept now = have != null ? have : getOnce(address);
        kept.put(address.key(), now);
        return now;
    }

    /** {@link #get}, or the answer (or failure) of the read of the same secret another reader of this fetch made. */
    private Kept getOnce(SecretAddress address) {
        CompletableFuture<Kept> mine = new CompletableFuture<>();
        CompletableFuture<Kept> running = gotThisFetch.putIfAbsent(address.key(), mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            Kept got = get(address);
            mine.complete(got);
            return got;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * Every enabled secret the bulk address selects (name prefix, tags), as the fields of one document. The tags
     * come with the list pages already read: selecting by tag costs no request.
     */
    private SecretDocument bulk(Reference ref, SecretAddress selector, Map<String, Listed> listed) {
        Map<String, SecretValue> fields = new java.util.TreeMap<>();
        Optional<Instant> oldest = Optional.empty();
        Optional<Instant> firstExpiry = Optional.empty();
        boolean everySetAt = true;
        for (Listed item : listed.values()) {
            if (!item.enabled() || !selector.selects(item.name(), item.tags())) {
                continue;
            }
            SecretAddress address = new SecretAddress(item.name(), Optional.empty(), false);
            Reference one = new Reference(ref.backend(), item.name(), Optional.empty());
            SecretDocument document = usable(one, current(address, Optional.of(listed), Optional.empty()));
            fields.put(SecretAddress.field(selector.name(), item.name()), document.whole().orElseThrow());
            everySetAt &= document.setAt().isPresent();
            oldest = earlier(oldest, document.setAt());
            firstExpiry = earlier(firstExpiry, document.expiresAt());
        }
        if (fields.isEmpty()) {
            throw new BackendException(ref, false, "vault " + vault + " has no enabled secret "
                    + (selector.selection().isEmpty() ? "at all" : selector.selection()));
        }
        // the mapping is as old as its oldest secret and expires with its first one
        return new SecretDocument(Optional.empty(), fields, Optional.empty(),
                everySetAt ? oldest : Optional.empty(), firstExpiry);
    }

    private static Optional<Instant> earlier(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isPresent() && b.get().isBefore(a.get()) ? b : a;
    }

    private SecretDocument usable(Reference ref, Kept secret) {
        long now = clock.instant().getEpochSecond();
        if (secret.exp().isPresent() && secret.exp().get() <= now) {
            throw BackendException.expired(ref, "the secret in vault " + vault + " expired at "
                    + Instant.ofEpochSecond(secret.exp().get()) + " (its exp attribute); set a new version or a "
                    + "later expiry date", new BackendException.Expiry(secret.document().setAt(),
                    Instant.ofEpochSecond(secret.exp().get())));
        }
        if (secret.nbf().isPresent() && secret.nbf().get() > now) {
            throw new BackendException(ref, false, "the secret in vault " + vault + " is not valid before "
                    + Instant.ofEpochSecond(secret.nbf().get()) + " (its nbf attribute)");
        }
        return secret.document();
    }

    /** One secret of the list: its name as written, when it last changed, whether it is enabled, its tags. */
    private record Listed(String name, long updated, boolean enabled, Map<String, String> tags) {
    }

    /** Every secret of the vault by lower-case name, from every list page; empty when the identity may not list. */
    private Optional<Map<String, Listed>> list() {
        Map<String, Listed> listed = new HashMap<>();
        URI next = URI.create(vault + "/secrets?api-version=" + API_VERSION + "&maxresults=25");
        while (next != null) {
            JsonNode page = vaultGet(next, "the list of secrets");
            if (page == null) {
                listAllowed = false; // no list permission: fall back to one get per secret
                return Optional.empty();
            }
            for (JsonNode item : page.path("value")) {
                String id = item.path("id").asText("");
                String name = id.substring(id.lastIndexOf('/') + 1);
                JsonNode attributes = item.path("attributes");
                Map<String, String> tags = new HashMap<>();
                item.path("tags").fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
                listed.put(name.toLowerCase(Locale.ROOT), new Listed(name, attributes.path("updated").asLong(-1),
                        attributes.path("enabled").asBoolean(true), tags));
            }
            String link = page.path("nextLink").asText("");
            next = link.isEmpty() ? null : URI.create(link);
            if (next != null && !(next.getScheme() + "://" + next.getRawAuthority()).equalsIgnoreCase(vault)) {
                throw new AzureCallException(false, "vault " + vault + " sent a nextLink to another host");
            }
        }
        return Optional.of(listed);
    }

    private Kept get(SecretAddress address) {
        URI url = URI.create(vault + "/secrets/" + address.name() + address.version().map(v -> "/" + v).orElse("")
                + "?api-version=" + API_VERSION);
        JsonNode bundle = vaultGet(url, "secret " + address.name());
        if (bundle == null) {
            throw new AzureCallException(false, "vault " + vault + " forbids listing and reading (403)");
        }
        JsonNode value = bundle.path("value");
        if (!value.isTextual()) {
            throw new AzureCallException(false, "vault " + vault + " answered secret " + address.name()
                    + " without a value");
        }
        String id = bundle.path("id").asText("");
        JsonNode attributes = bundle.path("attributes");
        Optional<Long> exp = epoch(attributes, "exp");
        SecretDocument document = new SecretDocument(Optional.of(SecretValue.of(value.asText())),
                fields(value.asText()), Optional.of(id.substring(id.lastIndexOf('/') + 1)),
                epoch(attributes, "created").map(Instant::ofEpochSecond), exp.map(Instant::ofEpochSecond));
        return new Kept(document, attributes.path("updated").asLong(-1), exp, epoch(attributes, "nbf"));
    }

    private static Optional<Long> epoch(JsonNode attributes, String key) {
        return attributes.hasNonNull(key) ? Optional.of(attributes.get(key).asLong()) : Optional.empty();
    }

    /** The keys of a JSON object value (a string as its text, anything else as its JSON); none for other values. */
    private static Map<String, SecretValue> fields(String text) {
        try {
            JsonNode node = JsonTree.read(text.getBytes(StandardCharsets.UTF_8));
            if (!node.isObject()) {
                return Map.of();
            }
            Map<String, SecretValue> fields = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> fields.put(e.getKey(), SecretValue.of(e.getValue().isTextual()
                    ? e.getValue().asText() : JsonTree.text(e.getValue()))));
            return fields;
        } catch (IOException e) {
            return Map.of();
        }
    }

    /**
     * A vault GET with the challenge flow: without a resource yet, the request goes without a token and the
     * challenge names it; a token the vault refuses is replaced once. Answers the JSON body, or null for a 403 on a
     * list (no list permission); throws the classified failure otherwise.
     */
    private JsonNode vaultGet(URI url, String what) {
        AzureHttp.Answer answer = http.get(url, resource == null ? Map.of()
                : Map.of("Authorization", "Bearer " + tokens.token(resource)), what + " in vault " + vault);
        if (answer.status() == 401 && answer.challenge().isPresent()) {
            boolean hadToken = resource != null;
            resource = challengeResource(answer.challenge().get());
            if (hadToken) {
                tokens.drop();
            }
            answer = http.get(url, Map.of("Authorization", "Bearer " + tokens.token(resource)),
                    what + " in vault " + vault);
        }
        if (answer.ok()) {
            return answer.body();
        }
        JsonNode error = answer.body().path("error");
        String code = error.path("code").asText("?");
        String inner = error.path("innererror").path("code").asText("");
        String message = error.path("message").asText("").lines().findFirst().orElse("");
        String reason = "HTTP " + answer.status() + " " + code + (inner.isEmpty() ? "" : "/" + inner);
        switch (answer.status()) {
            case 401 -> throw new AzureCallException(false, "vault " + vault + " refused the token for " + what
                    + " (" + reason + "): " + message);
            case 403 -> {
                if (what.equals("the list of secrets")) {
                    return null;
                }
                if ("SecretDisabled".equals(inner) || message.contains("disabled")) {
                    throw new AzureCallException(false, what + " is disabled in vault " + vault + " (" + reason
                            + "); enable it or point the reference at another secret");
                }
                throw new AzureCallException(false, "the agent's identity may not read " + what + " in vault "
                        + vault + " (" + reason + "); grant it the Key Vault Secrets User role on this secret or "
                        + "vault, or an access policy with get");
            }
            case 404 -> throw new AzureCallException(false, "vault " + vault + " has no " + what + " (" + reason
                    + "): it does not exist or was deleted (a soft-deleted secret can be recovered)");
            case 429 -> throw AzureCallException.throttled("vault " + vault + " throttled the request for " + what
                    + " (HTTP 429)", RetryAfter.parse(answer.retryAfter().orElse(null), clock.instant()));
            default -> throw new AzureCallException(answer.status() >= 500, "vault " + vault + " answered " + what
                    + " with " + reason);
        }
    }

    /** The challenge's resource, checked against the vault's own host (the Key Vault SDKs' rule). */
    private String challengeResource(String challenge) {
        Matcher m = RESOURCE.matcher(challenge);
        if (!m.find()) {
            throw new AzureCallException(false, vault + " answered 401 without a Bearer challenge resource; is "
                    + "vault_url a Key Vault?");
        }
        URI named = URI.create(m.group(1));
        String authority = named.getRawAuthority() == null ? "" : named.getRawAuthority().toLowerCase(Locale.ROOT);
        String host = settings.vaultUrl().getRawAuthority().toLowerCase(Locale.ROOT);
        if (authority.isEmpty() || !(host.endsWith("." + authority) || host.endsWith("." + authority + ":443")
                || (host + ":443").endsWith("." + authority))) {
            throw new AzureCallException(false, vault + " challenged for the resource " + named + ", which is not "
                    + "its own domain: refusing to get a token for it (is vault_url right?)");
        }
        return "https://" + named.getRawAuthority();
    }
}
