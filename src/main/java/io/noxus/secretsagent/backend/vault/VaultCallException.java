package io.noxus.secretsagent.backend.vault;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * One failed call to the server, classified. The message names the server and what to check, never a response
 * body (which could echo a value) or a token.
 */
final class VaultCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    enum Kind {
        /** Connection refused, reset, timed out: worth a retry by the cycle owner. */
        UNREACHABLE(true),
        /** No complete answer within request_timeout_seconds (a stalled or dripping server). */
        TIMED_OUT(true),
        /** 5xx, sealed or standby (503). */
        UNAVAILABLE(true),
        /** HTTP 429: a rate-limit quota refused the request. */
        THROTTLED(true),
        TLS(false),
        DENIED(false),
        NOT_FOUND(false),
        /** A KV v2 version that was soft-deleted or destroyed: an operator undeletes it or writes a new one. */
        DELETED(false),
        REFUSED(false),
        MALFORMED(false);

        final boolean transientFailure;

        Kind(boolean transientFailure) {
            this.transientFailure = transientFailure;
        }
    }

    private final Kind kind;
    private final String apiPath;
    /** The raw Retry-After header of a 429 or 503, when the server sent one. */
    private final String retryAfter;

    VaultCallException(Kind kind, String apiPath, String message) {
        this(kind, apiPath, message, null);
    }

    private VaultCallException(Kind kind, String apiPath, String message, String retryAfter) {
        super(message, null, false, false);
        this.kind = kind;
        this.apiPath = apiPath;
        this.retryAfter = retryAfter;
    }

    static VaultCallException forStatus(String apiPath, int status, String address, String retryAfter) {
        VaultCallException plain = forStatus(apiPath, status, address);
        return (plain.kind == Kind.UNAVAILABLE || plain.kind == Kind.THROTTLED) && retryAfter != null
                ? new VaultCallException(plain.kind, apiPath, plain.getMessage(), retryAfter) : plain;
    }

    private static VaultCallException forStatus(String apiPath, int status, String address) {
        return switch (status) {
            case 403 -> new VaultCallException(Kind.DENIED, apiPath, "permission denied (HTTP 403) on " + apiPath
                    + "; grant the agent's policy read on it, or check that its token is still valid");
            case 404 -> new VaultCallException(Kind.NOT_FOUND, apiPath, "nothing at " + apiPath + " (HTTP 404)");
            case 429 -> new VaultCallException(Kind.THROTTLED, apiPath, address + " is throttling requests (HTTP 429)");
            case 503 -> new VaultCallException(Kind.UNAVAILABLE, apiPath, address
                    + " is sealed, on standby or unavailable (HTTP 503); bao status (or vault status) against it "
                    + "tells which: unseal it, or point the backend's address at the active node");
            default -> status >= 500
                    ? new VaultCallException(Kind.UNAVAILABLE, apiPath, address + " failed (HTTP " + status + ")")
                    : new VaultCallException(Kind.REFUSED, apiPath, address + " refused the request to " + apiPath
                            + " (HTTP " + status + ")");
        };
    }

    /**
     * A KV v2 data read of a deleted or destroyed version answers 404 (or, on older servers, 200) with only that
     * version's metadata ({@code data.data} is null): say which version, and when it was deleted. Only {@code version},
     * {@code deletion_time} and {@code destroyed} are read from the answer.
     */
    static Optional<VaultCallException> deletedVersion(String apiPath, JsonNode answer) {
        JsonNode meta = answer.path("data").path("metadata");
        String deleted = meta.path("deletion_time").asText("");
        boolean destroyed = meta.path("destroyed").asBoolean(false);
        if (answer.path("data").path("data").isObject() || deleted.isEmpty() && !destroyed) {
            return Optional.empty();
        }
        String number = meta.path("version").canConvertToInt() ? meta.path("version").asText() : "N";
        String version = "version " + number + " of " + apiPath.replaceFirst("\\?.*", "");
        String what = destroyed
                ? version + " was destroyed; write a new version (or pin ?version= to one that still exists)"
                : version + " was deleted" + when(deleted) + "; undelete it (kv undelete -versions=" + number
                        + ") or write a new version";
        return Optional.of(new VaultCallException(Kind.DELETED, apiPath, what));
    }

    private static String when(String deletionTime) {
        try {
            return " at " + Instant.parse(deletionTime).truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    Kind kind() {
        return kind;
    }

    String retryAfterHeader() {
        return retryAfter;
    }

    String apiPath() {
        return apiPath;
    }

    boolean isTransient() {
        return kind.transientFailure;
    }
}
