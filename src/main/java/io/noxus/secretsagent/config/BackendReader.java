package io.noxus.secretsagent.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one {@code backends.NAME} entry into the settings record of its type. */
final class BackendReader {
    static final String TYPES = String.join(", ", FileBackendSettings.TYPE, VaultBackendSettings.TYPE,
            AwsBackendSettings.TYPE, AzureBackendSettings.TYPE);

    private BackendReader() {
    }

    static BackendSettings read(String name, ConfigNode node) {
        if (!name.matches("[a-z][a-z0-9_-]*")) {
            throw node.error("backend names are lower-case letters, digits, '-' and '_', starting with a letter");
        }
        String type = node.requiredText("type");
        if (type.equals(FileBackendSettings.TYPE)) {
            node.onlyKeys("type", "path");
            ConfigNode pathNode = node.required("path");
            Path path = pathNode.resolvePath();
            if (!Files.isRegularFile(path)) {
                throw pathNode.error("secrets file " + path + " does not exist or is not a regular file; create it "
                        + "(mode 0600) or fix the path");
            }
            return new FileBackendSettings(name, path);
        }
        if (type.equals(VaultBackendSettings.TYPE)) {
            return VaultSettingsReader.read(name, node);
        }
        if (type.equals(AwsBackendSettings.TYPE)) {
            return AwsBackendReader.read(name, node);
        }
        if (type.equals(AzureBackendSettings.TYPE)) {
            return AzureBackendReader.read(name, node);
        }
        throw node.child("type").error("unknown backend type '" + type + "'; expected one of: " + TYPES);
    }

    /** {@code max_concurrent_reads}: 1 to {@link BackendSettings#MAX_CONCURRENT_READS}. */
    static int concurrentReads(ConfigNode node) {
        int reads = node.positiveInt();
        if (reads > BackendSettings.MAX_CONCURRENT_READS) {
            throw node.error("at most " + BackendSettings.MAX_CONCURRENT_READS + "; more reads at once shorten a "
                    + "fetch little and load the server like a test would");
        }
        return reads;
    }
}
