package io.noxus.secretsagent.backend.vault;

/** One way of getting a token. A login failure is a {@link VaultCallException} whose message says what to fix. */
interface Login {
    Lease login(VaultHttp http);

    /** What the messages call this auth method, e.g. "AppRole login at auth/approle". */
    String describe();
}
