package io.noxus.secretsagent.backend.vault;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** A token and what the server said about its life. The token never appears in {@link #toString()}. */
final class Lease {
    private final String token;
    private final Duration ttl;
    private final boolean renewable;

    Lease(String token, Duration ttl, boolean renewable) {
        this.token = token;
        this.ttl = ttl;
        this.renewable = renewable;
    }

    /** From the {@code auth} block of a login or renew answer. */
    static Lease fromAuth(JsonNode answer, String apiPath) {
        JsonNode auth = answer.path("auth");
        if (!auth.path("client_token").isTextual() || !auth.path("lease_duration").canConvertToLong()) {
            throw new VaultCallException(VaultCallException.Kind.MALFORMED, apiPath,
                    "the answer to " + apiPath + " has no token in it");
        }
        return new Lease(auth.get("client_token").asText(), Duration.ofSeconds(auth.get("lease_duration").asLong()),
                auth.path("renewable").asBoolean(false));
    }

    String token() {
        return token;
    }

    /** Zero for a token that never expires (a root token). */
    Duration ttl() {
        return ttl;
    }

    boolean renewable() {
        return renewable;
    }

    @Override
    public String toString() {
        return "Lease[ttl=" + ttl + ", renewable=" + renewable + "]";
    }
}
