package io.noxus.secretsagent.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option every command shares. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: ${DEFAULT-VALUE}).",
            defaultValue = "/etc/noxus-secrets-agent/config.yaml")
    Path file;
}
