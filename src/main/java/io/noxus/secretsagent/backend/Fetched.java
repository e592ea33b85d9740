package io.noxus.secretsagent.backend;

import java.util.Optional;

/** The answer for one document: its content, or why it could not be had. */
public record Fetched(Optional<SecretDocument> document, Optional<BackendException> failure) {
    public static Fetched of(SecretDocument document) {
        return new Fetched(Optional.of(document), Optional.empty());
    }

    public static Fetched failed(BackendException failure) {
        return new Fetched(Optional.empty(), Optional.of(failure));
    }
}
