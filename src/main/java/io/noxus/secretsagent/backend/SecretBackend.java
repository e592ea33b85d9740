package io.noxus.secretsagent.backend;

import io.noxus.secretsagent.secret.Reference;
import java.util.Map;
import java.util.Set;

/**
 * One configured secret store. A call makes one attempt (no retries inside: the caller owns backoff) and answers
 * every requested document, each with its content or its classified failure, so one missing secret never hides
 * the others.
 */
public interface SecretBackend extends AutoCloseable {
    /** @param documents references without a field, all naming this backend */
    Map<Reference, Fetched> fetch(Set<Reference> documents);

    /**
     * What the backend says about its own rotation of these documents, for a report; one extra request per secret
     * where the backend has such a schedule (AWS), nothing elsewhere. A document it cannot tell about is left out.
     */
    default Map<Reference, RotationSchedule> schedules(Set<Reference> documents) {
        return Map.of();
    }

    /** Requests sent to the secret store so far (HTTP calls; reads of a local file), for the metrics. */
    default long requests() {
        return 0;
    }

    /** Of those, the requests the store refused as throttled (HTTP 429, AWS throttling errors), for the metrics. */
    default long throttles() {
        return 0;
    }

    @Override
    default void close() {
    }
}
