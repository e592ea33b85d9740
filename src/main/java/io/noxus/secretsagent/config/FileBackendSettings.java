package io.noxus.secretsagent.config;

import java.nio.file.Path;

/** A local YAML file of secrets, for installs with no secret manager. */
public record FileBackendSettings(String name, Path path) implements BackendSettings {
    public static final String TYPE = "file";

    @Override
    public String type() {
        return TYPE;
    }
}
