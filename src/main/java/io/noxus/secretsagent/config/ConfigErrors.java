package io.noxus.secretsagent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Collects the config errors of one stage so that an operator sees all of them at once. Stages run in order (the
 * parts, then what refers to them, then the rules across them) and a stage runs only when the one before it had no
 * error: an error of a later stage could be a mere consequence of an earlier one (a mapping naming a backend whose
 * own entry was wrong), and reporting it would send the operator after a problem that is not there.
 */
final class ConfigErrors {
    private final List<String> messages = new ArrayList<>();

    /** The value, or empty after recording why it could not be read. */
    <T> Optional<T> attempt(Supplier<T> reading) {
        try {
            return Optional.of(reading.get());
        } catch (ConfigException e) {
            messages.add(e.getMessage());
            return Optional.empty();
        }
    }

    void attempt(Runnable reading) {
        attempt(() -> {
            reading.run();
            return Boolean.TRUE;
        });
    }

    /** Ends a stage: one error is thrown as it is; several as one error listing each on its own line. */
    void throwIfAny() {
        if (messages.size() == 1) {
            throw new ConfigException(messages.get(0));
        }
        if (!messages.isEmpty()) {
            throw new ConfigException(messages.size() + " problems in the config:\n  " + String.join("\n  ",
                    messages));
        }
    }
}
