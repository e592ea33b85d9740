package io.noxus.secretsagent.backend;

import io.noxus.secretsagent.secret.AgentException;
import io.noxus.secretsagent.secret.Reference;
import java.time.Duration;
import java.util.Optional;

/**
 * A failure to get one reference, classified: transient failures (unreachable, throttled, sealed) are worth a retry
 * by whoever owns retries; permanent ones (missing, forbidden, malformed) need an operator. A throttling server's
 * hint ({@code Retry-After}) travels with it, so the retry owner waits at least that long. The message names the
 * reference and backend, never a value.
 */
public final class BackendException extends AgentException {
    private static final long serialVersionUID = 1L;
    private final boolean transientFailure;
    private final transient Optional<Duration> retryAfter;
    private transient Optional<Expiry> expiry = Optional.empty();
    private boolean throttled;

    /** The value exists but its own expiry has passed (Azure Key Vault's {@code exp}): when it was set, when it expired. */
    public record Expiry(Optional<java.time.Instant> setAt, java.time.Instant expiresAt) {
    }

    /** A permanent failure for a value past its own expiry, which the rotation report shows as expired. */
    public static BackendException expired(Reference ref, String reason, Expiry expiry) {
        BackendException e = new BackendException(ref, false, reason);
        e.expiry = Optional.of(expiry);
        return e;
    }

    /**
     * A transient failure because the server throttled this request (HTTP 429, an AWS throttling error), or because
     * the backend stopped asking once it was throttled: the retry owner waits, and the last answer stays good.
     */
    public static BackendException throttled(Reference ref, String reason, Optional<Duration> retryAfter) {
        BackendException e = new BackendException(ref, true, reason, retryAfter);
        e.throttled = true;
        return e;
    }

    public BackendException(Reference ref, boolean transientFailure, String reason) {
        this(ref, transientFailure, reason, Optional.empty());
    }

    public BackendException(Reference ref, boolean transientFailure, String reason, Optional<Duration> retryAfter) {
        super(ref + ": " + reason + retryAfter.map(d -> " (the server asks to wait " + d.toSeconds() + " s)")
                .orElse(""));
        this.transientFailure = transientFailure;
        this.retryAfter = retryAfter;
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /** How long the server asked us to wait before asking again, when it said so. */
    public Optional<Duration> retryAfter() {
        return retryAfter == null ? Optional.empty() : retryAfter;
    }

    /** True when the server throttled the request (or it was not sent because the server throttled another). */
    public boolean throttled() {
        return throttled;
    }

    /** Set when the failure is the value's own expiry having passed. */
    public Optional<Expiry> expiry() {
        return expiry == null ? Optional.empty() : expiry;
    }
}
