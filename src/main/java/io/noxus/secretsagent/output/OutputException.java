package io.noxus.secretsagent.output;

import io.noxus.secretsagent.secret.AgentException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A file the agent could not write (or refused to), named by path, with the OS reason and what to do. */
public final class OutputException extends AgentException {
    private static final long serialVersionUID = 1L;

    public OutputException(Path path, String problem) {
        super(path + ": " + problem);
    }

    public OutputException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem + ": " + reason(cause) + fix(cause), cause);
    }

    /**
     * The operating system's words ({@code Read-only file system}, {@code No space left on device}); Java keeps them
     * in {@link FileSystemException#getReason()} except for the errors it has a type for. Never the exception's
     * message: it could quote more than a path.
     */
    static String reason(Throwable cause) {
        if (cause instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (cause instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (cause instanceof FileAlreadyExistsException) {
            return "File exists";
        }
        if (cause instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return cause.getClass().getSimpleName();
    }

    static String fix(Throwable cause) {
        String reason = reason(cause);
        if (reason.equals("Read-only file system")) {
            return "; the folder is read-only for the agent: under systemd add it to the unit's ReadWritePaths= "
                    + "(systemctl edit noxus-secrets-agent, [Service] ReadWritePaths=FOLDER), else remount it "
                    + "writable";
        }
        if (reason.equals("Permission denied")) {
            return "; check the owner and mode of the folder (the agent runs as root with CAP_DAC_OVERRIDE; an "
                    + "immutable attribute or a sandbox can still refuse it)";
        }
        if (reason.equals("No space left on device") || reason.startsWith("Disk quota")) {
            return "; free space on that file system";
        }
        return "";
    }
}
