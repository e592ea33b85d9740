package io.noxus.secretsagent.format;

/** A value the format's reader cannot receive exactly. The reason describes the value's class, never its content. */
public final class UnrepresentableValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnrepresentableValueException(String reason) {
        super(reason);
    }
}
