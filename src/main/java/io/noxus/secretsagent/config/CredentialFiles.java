package io.noxus.secretsagent.config;

import java.nio.file.Path;
import java.util.Map;

/** The files the configured backends read secrets or credentials from, for {@code check}'s mode warnings. */
public final class CredentialFiles {
    private CredentialFiles() {
    }

    /** Path → what it is ("the secret_id file of backend 'vault'"). */
    public static Map<Path, String> of(AgentConfig config, Map<String, String> environment) {
        return ProtectedPaths.credentialFiles(config, environment);
    }
}
