package io.noxus.secretsagent.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One file the agent owns: where, in which format ({@code raw} for secret files), with which mode, owner and group.
 * The mode is applied from the first byte the file exists. The location ({@code file: key.path} of the {@code path}
 * key) is what errors quote.
 */
public record OutputSpec(String location, Path path, OutputFormat format, int mode, Optional<String> owner, Optional<String> group) {
    /** The location of a sibling of the {@code path} key, e.g. {@code owner}; the plain location if it is not one. */
    public String keyLocation(String key) {
        return location.endsWith(".path") ? location.substring(0, location.length() - "path".length()) + key
                : location;
    }
}
