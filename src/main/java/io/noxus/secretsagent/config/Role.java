package io.noxus.secretsagent.config;

/** What a Noxus service is; {@link #MAIN} is the main {@code /env.vm} file, which only global secrets reach. */
public enum Role {
    FRONTEND, BACKEND, WORKER, BEAT, MAIN
}
