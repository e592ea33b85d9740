package io.noxus.secretsagent.backend.azure;

import java.time.Duration;
import java.util.Optional;

/**
 * One failed call to the vault, Entra or the identity endpoint, classified: transient (unreachable, timed out,
 * throttled, a 5xx) or permanent (refused, missing, disabled, TLS, malformed). The message names what was asked of
 * whom and why it failed, never a value nor a response body beyond the service's error codes.
 */
final class AzureCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean transientFailure;
    private final transient Optional<Duration> retryAfter;
    private boolean throttled;

    /** HTTP 429 from the vault: transient, with the vault's Retry-After when it sent one. */
    static AzureCallException throttled(String message, Optional<Duration> retryAfter) {
        AzureCallException e = new AzureCallException(true, message, retryAfter);
        e.throttled = true;
        return e;
    }

    boolean throttled() {
        return throttled;
    }

    AzureCallException(boolean transientFailure, String message) {
        this(transientFailure, message, Optional.empty());
    }

    AzureCallException(boolean transientFailure, String message, Optional<Duration> retryAfter) {
        super(message, null, false, false);
        this.transientFailure = transientFailure;
        this.retryAfter = retryAfter;
    }

    boolean isTransient() {
        return transientFailure;
    }

    Optional<Duration> retryAfter() {
        return retryAfter == null ? Optional.empty() : retryAfter;
    }
}
