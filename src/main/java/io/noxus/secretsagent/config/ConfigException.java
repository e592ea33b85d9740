package io.noxus.secretsagent.config;

import io.noxus.secretsagent.secret.AgentException;
import java.nio.file.Path;

/** A configuration error, located by file and key path. Configs hold names and references, never secret values. */
public final class ConfigException extends AgentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(Path file, String keyPath, String problem) {
        super(file + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ") + problem);
    }

    public ConfigException(String message) {
        super(message);
    }
}
