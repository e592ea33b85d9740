package io.noxus.secretsagent.format;

/**
 * One env-file dialect. An entry is the exact text that makes the dialect's reader deliver {@code value} for
 * {@code key}; a value the dialect cannot carry exactly is refused with {@link UnrepresentableValueException}.
 * Keys reach a format already checked against {@code [A-Za-z_][A-Za-z0-9_]*}, values already free of NUL.
 */
public interface EnvFormat {
    String entry(String key, String value);
}
