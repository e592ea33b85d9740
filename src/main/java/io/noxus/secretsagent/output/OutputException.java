package io.noxus.secretsagent.output;

import io.noxus.secretsagent.secret.AgentException;
import java.nio.file.Path;

/** A file the agent could not write (or refused to), named by path. */
public final class OutputException extends AgentException {
    private static final long serialVersionUID = 1L;

    public OutputException(Path path, String problem) {
        super(path + ": " + problem);
    }

    public OutputException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem + " (" + cause.getClass().getSimpleName() + ")", cause);
    }
}
