package io.noxus.secretsagent.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The env file dialects the agent writes, one per reader; {@code RAW} is a secret file holding just the value. */
public enum OutputFormat {
    SYSTEMD, COMPOSE, DOCKER, SHELL, DOTENV, RAW;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<OutputFormat> envFormat(String label) {
        return Arrays.stream(values()).filter(f -> f != RAW && f.label().equals(label)).findFirst();
    }

    static String envLabels() {
        return "systemd, compose, docker, shell, dotenv";
    }
}
