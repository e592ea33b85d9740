package io.noxus.secretsagent.backend;

import io.noxus.secretsagent.secret.Reference;

/** The answer for one document: found, with its content, or failed, with why it could not be had. */
public sealed interface Fetched {
    /** The document as the backend has it now. */
    record Found(SecretDocument document) implements Fetched {
    }

    /** Why the document could not be had this time. */
    record Failed(BackendException failure) implements Fetched {
    }

    /** A failure because the server throttled the request (or another one of the same fetch). */
    default boolean throttled() {
        return this instanceof Failed failed && failed.failure().throttled();
    }

    /**
     * A document not asked because the server throttled another read of the same fetch: a throttled failure with
     * {@code reason} and the throttled answer's wait.
     */
    static Fetched notAsked(Reference ref, String reason, Fetched throttledBy) {
        return failed(BackendException.throttled(ref, reason, ((Failed) throttledBy).failure().retryAfter()));
    }

    static Fetched of(SecretDocument document) {
        return new Found(document);
    }

    static Fetched failed(BackendException failure) {
        return new Failed(failure);
    }
}
