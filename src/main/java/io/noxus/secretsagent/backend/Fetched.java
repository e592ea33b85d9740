package io.noxus.secretsagent.backend;

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

    static Fetched of(SecretDocument document) {
        return new Found(document);
    }

    static Fetched failed(BackendException failure) {
        return new Failed(failure);
    }
}
