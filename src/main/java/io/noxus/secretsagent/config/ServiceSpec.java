package io.noxus.secretsagent.config;

import java.util.List;
import java.util.Optional;

/** One Noxus service on this host (or the main env file), its output, and how a change is applied to its units. */
public record ServiceSpec(String name, Role role, Optional<String> pool, OutputSpec output, ActionSpec action,
                          List<String> units) {
    /** The name under which the main {@code /env.vm} output appears next to the services. */
    public static final String MAIN_ENV = "main-env";
}
