package io.noxus.secretsagent.format;

import io.noxus.secretsagent.config.OutputFormat;

/** The one place that maps a configured format to its writer. */
public final class EnvFormats {
    private EnvFormats() {
    }

    public static EnvFormat of(OutputFormat format) {
        return switch (format) {
            case SYSTEMD -> new SystemdFormat();
            case COMPOSE -> new ComposeFormat();
            case DOCKER -> new DockerFormat();
            case SHELL -> new ShellFormat();
            case DOTENV -> new DotenvFormat();
            case RAW -> throw new IllegalArgumentException("raw secret files have no env format");
        };
    }
}
