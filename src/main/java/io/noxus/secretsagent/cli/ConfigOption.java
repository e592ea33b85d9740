package io.noxus.secretsagent.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** The {@code --config} option every command shares (a mixin; {@link #spec} for a command whose model is built). */
final class ConfigOption {
    private static final String LABEL = "FILE";
    private static final String DEFAULT = "/etc/noxus-secrets-agent/config.yaml";
    private static final String DESCRIPTION = "Config file (default: ${DEFAULT-VALUE}).";

    @Option(names = {"-c", "--config"}, paramLabel = LABEL, description = DESCRIPTION, defaultValue = DEFAULT)
    Path file;

    /** The same option, for a model built with picocli's programmatic API (RenderCommand). */
    static OptionSpec spec() {
        return OptionSpec.builder("-c", "--config").paramLabel(LABEL).type(Path.class).defaultValue(DEFAULT)
                .description(DESCRIPTION).build();
    }
}
