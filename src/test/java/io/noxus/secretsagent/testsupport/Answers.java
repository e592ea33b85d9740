package io.noxus.secretsagent.testsupport;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.Fetched;

/** Assertions on a backend's answer for one document. */
public final class Answers {
    private Answers() {
    }

    /** Why the document could not be had; fails the test when it was found. */
    public static BackendException failure(Fetched answer) {
        if (answer instanceof Fetched.Failed failed) {
            return failed.failure();
        }
        throw new AssertionError("expected a failure, but the document was found");
    }
}
