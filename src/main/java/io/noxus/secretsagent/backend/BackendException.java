package io.noxus.secretsagent.backend;

import io.noxus.secretsagent.secret.AgentException;
import io.noxus.secretsagent.secret.Reference;

/**
 * A failure to get one reference, classified: transient failures (unreachable, throttled, sealed) are worth a retry
 * by whoever owns retries; permanent ones (missing, forbidden, malformed) need an operator. The message names the
 * reference and backend, never a value.
 */
public final class BackendException extends AgentException {
    private static final long serialVersionUID = 1L;
    private final boolean transientFailure;

    public BackendException(Reference ref, boolean transientFailure, String reason) {
        super(ref + ": " + reason);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
