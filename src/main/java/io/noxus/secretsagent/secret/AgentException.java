package io.noxus.secretsagent.secret;

/**
 * Every error the agent reports. Messages name the file, key path, reference or output involved and say what to
 * do; they never carry a secret value. The exit code is mapped to the process exit status in one place (the CLI).
 */
public class AgentException extends RuntimeException {
    public static final int EXIT_ERROR = 1;
    private static final long serialVersionUID = 1L;

    public AgentException(String message) {
        super(message);
    }

    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }

    public int exitCode() {
        return EXIT_ERROR;
    }
}
