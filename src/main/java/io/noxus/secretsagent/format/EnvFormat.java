package io.noxus.secretsagent.format;

import java.util.Optional;

/**
 * One env-file dialect. An entry is the exact text that makes the dialect's reader deliver {@code value} for
 * {@code key}; a value the dialect cannot carry exactly is refused with {@link UnrepresentableValueException}.
 * Keys reach a format already checked by {@link io.noxus.secretsagent.config.EnvName}, values already free of NUL; a format may still refuse a
 * name its reader manages itself (the shells' {@code UID}, {@code OPTIND}, ...).
 */
public interface EnvFormat {
    String entry(String key, String value);

    /** Why this format's reader cannot receive a variable of this name at all; empty for most names and formats. */
    default Optional<String> refusedName(String key) {
        return Optional.empty();
    }
}
